package dev.lanes.bench.chaos;

import dev.lanes.bench.chaos.Api.Answer;
import dev.lanes.bench.chaos.Command.Kind;
import dev.lanes.bench.chaos.Command.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * One of the chaos run's clients. It owns one app and the lanes it creates, so it alone changes
 * them and knows what each of its commands should have done: builds (each of its own git branch),
 * releases and rollbacks in prod, a lane created, released into and deleted, round and round.
 *
 * <p>It sends a command again only if it was not carried out. A 2xx answer is carried out. No
 * connection is not. Any other failure (503, another 5xx, a timeout, a reset connection) may or may
 * not have been: the gateway's request to the owning service may have been carried out while its
 * answer was lost. So the client waits until that request's deadline has passed (the owner drops
 * requests past it), then looks for the command's effect through the API, and sends again only when
 * there is none. A platform that carried a command out twice then shows as a double; a client's own
 * resubmission cannot.
 */
final class ChaosClient implements Callable<List<Command>> {

  private static final Kind[] CYCLE = {
    Kind.BUILD, Kind.RELEASE, Kind.LANE_CREATE, Kind.RELEASE,
    Kind.BUILD, Kind.RELEASE, Kind.LANE_DELETE, Kind.ROLLBACK
  };
  // the gateway's request-reply deadline (10 s) and a margin for a request being handled at it
  private static final Duration UNCLEAR_WAIT = Duration.ofSeconds(15);
  private static final Duration NOT_SENT_WAIT = Duration.ofMillis(500);

  private final int client;
  private final Api api;
  private final Pacer pacer;
  private final String tag;
  private final AnswerCounts counts;
  private final String app;
  private final List<Command> sent = new ArrayList<>();
  private int position;
  private int prodRevision;
  private String prodId;
  private String lane;

  ChaosClient(int client, Api api, Pacer pacer, String tag, AnswerCounts counts) {
    this.client = client;
    this.api = api;
    this.pacer = pacer;
    this.tag = tag;
    this.counts = counts;
    this.app = app(client);
  }

  static String app(int client) {
    return "chaos-" + client;
  }

  @Override
  public List<Command> call() throws Exception {
    for (int n = pacer.next(); n >= 0; n = pacer.next()) {
      Command c = next(n);
      execute(c);
      sent.add(c);
    }
    return sent;
  }

  private Command next(int n) {
    int cycle = position / CYCLE.length;
    Kind kind = CYCLE[position % CYCLE.length];
    boolean inLane = position % CYCLE.length >= 2 && position % CYCLE.length <= 3;
    position++;
    return switch (kind) {
      case LANE_CREATE, LANE_DELETE -> new Command(n, client, kind, app, laneName(cycle));
      case RELEASE -> new Command(n, client, kind, app, inLane ? laneName(cycle) : "prod");
      default -> new Command(n, client, kind, app, "prod");
    };
  }

  private String laneName(int cycle) {
    return "c" + client + "-" + cycle;
  }

  private void execute(Command c) throws InterruptedException {
    while (true) {
      c.attempts++;
      long sentAt = System.nanoTime();
      Optional<Answer> answer = send(c);
      if (answer.isEmpty()) {
        Thread.sleep(NOT_SENT_WAIT.toMillis());
        continue;
      }
      Answer a = answer.get();
      if (a.accepted()) {
        record(c, a.data(), Outcome.ACCEPTED);
        return;
      }
      // duplicate_request: the change was made by an earlier delivery whose answer was lost
      if (a.status() >= 400
          && a.status() < 500
          && a.status() != 429
          && !"duplicate_request".equals(a.code())) {
        c.outcome = Outcome.REFUSED;
        c.refusal = a.status() + " " + a.code();
        return;
      }
      c.unclear++;
      waitUntil(sentAt + UNCLEAR_WAIT.toNanos());
      Optional<JsonObject> effect = effect(c);
      if (effect.isPresent()) {
        record(c, effect.get(), Outcome.CARRIED_OUT_UNANSWERED);
        return;
      }
    }
  }

  /** The answer; empty when nothing was sent (no connection). A lost answer is a 599. */
  private Optional<Answer> send(Command c) throws InterruptedException {
    try {
      Answer a =
          switch (c.kind) {
            case BUILD ->
                api.post(
                    "/apps/" + app + "/builds",
                    new JsonObject().put("git_ref", c.gitRef()).put("force", true));
            case RELEASE ->
                api.post(
                    "/releases",
                    new JsonObject()
                        .put("app", app)
                        .put("lane", c.lane)
                        .put("tag", tag)
                        .put("envs", new JsonObject().put("CHAOS_CMD", Integer.toString(c.n))));
            case ROLLBACK -> api.post("/releases/" + prodId + "/rollback", new JsonObject());
            case LANE_CREATE -> api.post("/lanes", new JsonObject().put("name", c.lane));
            case LANE_DELETE -> api.delete("/lanes/" + c.lane);
          };
      counts.count(a);
      return Optional.of(a);
    } catch (ConnectException e) {
      counts.notConnected();
      return Optional.empty();
    } catch (IOException e) {
      counts.unanswered();
      return Optional.of(new Answer(599, null, new JsonObject()));
    }
  }

  private void record(Command c, JsonObject data, Outcome outcome) {
    c.outcome = outcome;
    switch (c.kind) {
      case BUILD -> c.id = data.getString("id");
      case RELEASE, ROLLBACK -> {
        c.id = data.getString("id");
        c.revision = data.getInteger("revision");
        if (c.lane.equals("prod")) {
          prodId = c.id;
          prodRevision = c.revision;
        }
      }
      case LANE_CREATE -> {
        c.id = c.lane;
        lane = c.lane;
      }
      case LANE_DELETE -> {
        c.id = c.lane;
        lane = null;
      }
    }
  }

  /** What the command did, if it was carried out: the build, the release, the lane. */
  private Optional<JsonObject> effect(Command c) throws InterruptedException {
    return switch (c.kind) {
      case BUILD -> build(c.gitRef());
      case RELEASE -> release(c.lane, c.lane.equals("prod") ? prodRevision + 1 : 1);
      case ROLLBACK -> release("prod", prodRevision + 1);
      case LANE_CREATE -> {
        Answer a = lookup("/lanes/" + c.lane);
        yield a.status() == 200 ? Optional.of(a.data()) : Optional.empty();
      }
      case LANE_DELETE -> {
        Answer a = lookup("/lanes/" + c.lane);
        boolean gone = a.status() == 404 || "deleting".equals(a.data().getString("status"));
        yield gone ? Optional.of(new JsonObject()) : Optional.empty();
      }
    };
  }

  private Optional<JsonObject> build(String gitRef) throws InterruptedException {
    JsonArray builds = lookup("/apps/" + app + "/builds?limit=500").body().getJsonArray("data");
    return builds.stream()
        .map(JsonObject.class::cast)
        .filter(b -> gitRef.equals(b.getString("git_ref")))
        .findFirst();
  }

  /** The release of this app in {@code laneName} if it has reached {@code revision}. */
  private Optional<JsonObject> release(String laneName, int revision) throws InterruptedException {
    JsonArray releases =
        lookup("/releases?app=" + app + "&lane=" + laneName).body().getJsonArray("data");
    return releases.stream()
        .map(JsonObject.class::cast)
        .filter(r -> r.getInteger("revision") >= revision)
        .findFirst();
  }

  /** A GET, sent until it is answered 200 or 404 (the API may be down for a while). */
  private Answer lookup(String path) throws InterruptedException {
    while (true) {
      try {
        Answer a = api.get(path);
        if (a.status() == 200 || a.status() == 404) {
          return a;
        }
      } catch (IOException e) {
        // the gateway is restarting: ask again
      }
      Thread.sleep(1000);
    }
  }

  private static void waitUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
  }

  /** The lane this client created last and has not deleted, or null. */
  String openLane() {
    return lane;
  }
}
