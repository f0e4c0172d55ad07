package dev.lanes.sandbox.api;

import dev.lanes.sandbox.kubelet.PodLogStore;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.HttpUrl;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.lang.reflect.Field;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fabric8's CRUD dispatcher, plus what a CRUD store cannot answer: discovery and {@code /version}
 * ({@link SandboxDiscovery}), so kubectl works, and pod logs ({@code GET
 * /api/v1/namespaces/{ns}/pods/{pod}/log}), served from the kubelet's {@link PodLogStore} with the
 * query parameters clients use ({@code timestamps}, {@code sinceTime}, {@code sinceSeconds}, {@code
 * tailLines}, {@code limitBytes}). {@code follow} answers what exists so far: clients that follow
 * poll with {@code sinceTime}.
 */
final class SandboxDispatcher extends KubernetesCrudDispatcher {

  private static final Pattern LOG_PATH =
      Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log");

  private final PodLogStore logs;
  private final SandboxDiscovery discovery = new SandboxDiscovery();
  private final DispatcherFields fields = DispatcherFields.of(KubernetesCrudDispatcher.class);
  private final ExecutorService watchCloser =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "sandbox-watch-closer");
            t.setDaemon(true);
            return t;
          });

  SandboxDispatcher(PodLogStore logs) {
    this.logs = logs;
  }

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse response = super.handleWatch(path);
    if (response.getWebSocketListener() == null) {
      return response;
    }
    var listener = response.getWebSocketListener();
    return response.withWebSocketUpgrade(
        new UnblockingWatchListener(listener, watchCloser, () -> forget(listener)));
  }

  /**
   * Takes a closing watch out of the listeners that changes are sent to, before its sender stops:
   * fabric8's listener stops its sender first and leaves the set last, and a change sent to it in
   * between fails the whole request (RejectedExecutionException), which then never answers. The
   * write lock waits for the changes being sent now. Both fields are private in fabric8, hence the
   * reflection; this is the sandbox, never a real cluster.
   */
  private void forget(Object listener) {
    ReadWriteLock lock = (ReadWriteLock) read(fields.lock());
    Set<?> listeners = (Set<?>) read(fields.listeners());
    lock.writeLock().lock();
    try {
      listeners.remove(listener);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private Object read(Field f) {
    try {
      return f.get(this);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + f, e);
    }
  }

  /**
   * The two private fields of fabric8's CRUD dispatcher that {@link #forget} needs, found once when
   * the sandbox starts: a fabric8 release without them fails the start, saying which is missing,
   * rather than every closing watch later.
   */
  record DispatcherFields(Field lock, Field listeners) {
    static DispatcherFields of(Class<?> dispatcher) {
      return new DispatcherFields(
          field(dispatcher, "lock"), field(dispatcher, "watchEventListeners"));
    }

    private static Field field(Class<?> type, String name) {
      try {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException(
            type.getName()
                + " has no field "
                + name
                + ": this fabric8 release changed the CRUD dispatcher the sandbox patches"
                + " (SandboxDispatcher.forget); update the sandbox for it",
            e);
      }
    }
  }

  /**
   * The kinds whose {@code status} is a subresource on a real API server: a write of the object
   * itself keeps the stored status (fabric8's CRUD store would take the body's, usually none), so
   * re-applying an unchanged Deployment leaves its rollout status as a real server does.
   */
  private static final Pattern STATUS_SUBRESOURCE_KINDS =
      Pattern.compile(
          "/apis?/(?:apps/v1|batch/v1|v1)/namespaces/[^/]+/"
              + "(?:deployments|replicasets|statefulsets|jobs|pods)/[^/]+(?:/status)?");

  @Override
  public boolean isStatusSubresourceEnabledForResource(String path) {
    String bare = path.indexOf('?') < 0 ? path : path.substring(0, path.indexOf('?'));
    return STATUS_SUBRESOURCE_KINDS.matcher(bare).matches()
        || super.isStatusSubresourceEnabledForResource(path);
  }

  /**
   * Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}, the way Lanes
   * writes its objects), which the CRUD store does not know: an absent object is created from the
   * applied body; an existing one becomes what {@link ServerSideApply} makes of it, written only
   * when that changes something (an unchanged apply keeps the resourceVersion, as on an API
   * server).
   */
  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/apply-patch")) {
      return super.handlePatch(request);
    }
    String path = request.getPath();
    String bare = path.indexOf('?') < 0 ? path : path.substring(0, path.indexOf('?'));
    MockResponse existing = handleGet(bare);
    io.fabric8.mockwebserver.http.Headers json =
        request.getHeaders().newBuilder().set("Content-Type", "application/json").build();
    if (existing.code() == 404) {
      return handleCreate(
          new RecordedRequest(
              request.getHttpVersion(),
              io.fabric8.mockwebserver.dsl.HttpMethod.POST,
              bare.substring(0, bare.lastIndexOf('/')),
              json,
              request.getBody()));
    }
    String current = existing.getBody().readUtf8();
    var merged = ServerSideApply.merge(current, request.getBody().readUtf8());
    if (!ServerSideApply.changes(current, merged)) {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(current);
    }
    return handleUpdate(
        new RecordedRequest(
            request.getHttpVersion(),
            io.fabric8.mockwebserver.dsl.HttpMethod.PUT,
            bare,
            json,
            new io.fabric8.mockwebserver.http.Buffer(
                ServerSideApply.json(merged).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    HttpUrl url = HttpUrl.parse("http://sandbox" + request.getPath());
    Matcher m = LOG_PATH.matcher(url.encodedPath());
    if ("GET".equals(request.getMethod()) && m.matches()) {
      return log(m.group(1), m.group(2), url);
    }
    if ("GET".equals(request.getMethod())) {
      var document = discovery.document(url.encodedPath());
      if (document.isPresent()) {
        return new MockResponse()
            .setResponseCode(200)
            .setHeader("Content-Type", "application/json")
            .setBody(document.get());
      }
    }
    MockResponse response = super.dispatch(request);
    if (response.getWebSocketListener() == null && response.header("Content-Type") == null) {
      // the CRUD store answers JSON without saying so, and kubectl, which asks for protobuf
      // first, then takes the body for protobuf
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }

  private MockResponse log(String namespace, String pod, HttpUrl url) {
    List<PodLogStore.Line> lines = logs.read(namespace, pod);
    if (lines == null) {
      MockResponse exists = handleGet("/api/v1/namespaces/" + namespace + "/pods/" + pod);
      return exists.code() == 404
          ? status(404, "NotFound", "pods \"" + pod + "\" not found")
          : status(
              400,
              "BadRequest",
              "container in pod \"" + pod + "\" is waiting to start: ContainerCreating");
    }
    Instant since = since(url);
    if (since != null) {
      lines = lines.stream().filter(l -> !l.time().isBefore(since)).toList();
    }
    String tail = url.queryParameter("tailLines");
    if (tail != null) {
      int n = Integer.parseInt(tail);
      lines = lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
    boolean timestamps = "true".equals(url.queryParameter("timestamps"));
    StringBuilder out = new StringBuilder();
    for (PodLogStore.Line line : lines) {
      if (timestamps) {
        out.append(DateTimeFormatter.ISO_INSTANT.format(line.time())).append(' ');
      }
      out.append(line.text()).append('\n');
    }
    String body = out.toString();
    String limit = url.queryParameter("limitBytes");
    if (limit != null && body.length() > Integer.parseInt(limit)) {
      body = body.substring(0, Integer.parseInt(limit));
    }
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "text/plain")
        .setBody(body);
  }

  private static Instant since(HttpUrl url) {
    String time = url.queryParameter("sinceTime");
    if (time != null) {
      return Instant.parse(time);
    }
    String seconds = url.queryParameter("sinceSeconds");
    return seconds == null ? null : Instant.now().minusSeconds(Long.parseLong(seconds));
  }

  private static MockResponse status(int code, String reason, String message) {
    Status status =
        new StatusBuilder()
            .withStatus("Failure")
            .withCode(code)
            .withReason(reason)
            .withMessage(message)
            .build();
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(status));
  }
}
