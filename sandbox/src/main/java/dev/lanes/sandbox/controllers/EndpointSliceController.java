package dev.lanes.sandbox.controllers;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's EndpointSlice controller: for every Service with a selector it keeps one
 * EndpointSlice ({@code kubernetes.io/service-name} label) listing the running pods the selector
 * matches, each with its ready condition, as the route registry reads them on a real cluster.
 */
final class EndpointSliceController {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceController.class);
  static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

  private final KubernetesClient client;
  private final ScheduledExecutorService scheduler;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  EndpointSliceController(KubernetesClient client, ScheduledExecutorService scheduler) {
    this.client = client;
    this.scheduler = scheduler;
  }

  void start() {
    informers.add(
        client
            .services()
            .inAnyNamespace()
            .inform(handler(s -> s.getMetadata().getNamespace(), this::removeSlices), 0));
    informers.add(
        client
            .pods()
            .inAnyNamespace()
            .inform(handler(p -> p.getMetadata().getNamespace(), p -> {}), 0));
  }

  void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private <T> ResourceEventHandler<T> handler(
      java.util.function.Function<T, String> namespace, java.util.function.Consumer<T> deleted) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        touch(namespace.apply(obj));
      }

      @Override
      public void onUpdate(T before, T after) {
        touch(namespace.apply(after));
      }

      @Override
      public void onDelete(T obj, boolean unknown) {
        scheduler.execute(() -> deleted.accept(obj));
        touch(namespace.apply(obj));
      }
    };
  }

  /** Recomputes the namespace's slices soon; many changes at once cost one pass. */
  private void touch(String namespace) {
    if (dirty.add(namespace)) {
      scheduler.schedule(
          () -> {
            dirty.remove(namespace);
            sync(namespace);
          },
          10,
          TimeUnit.MILLISECONDS);
    }
  }

  private void sync(String namespace) {
    try {
      List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
      for (Service s : client.services().inNamespace(namespace).list().getItems()) {
        Map<String, String> selector = s.getSpec() == null ? null : s.getSpec().getSelector();
        if (selector != null && !selector.isEmpty()) {
          write(s, pods.stream().filter(p -> matches(p, selector)).toList());
        }
      }
    } catch (KubernetesClientException e) {
      LOG.debug("sandbox: endpoint slices of {}: {}", namespace, e.getMessage());
    }
  }

  private void write(Service service, List<Pod> pods) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName() + "-sandbox";
    List<Endpoint> endpoints = new ArrayList<>();
    pods.stream()
        .filter(
            p ->
                p.getStatus() != null
                    && p.getStatus().getPodIP() != null
                    && "Running".equals(p.getStatus().getPhase()))
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(
            p -> {
              boolean ready = DeploymentController.isReady(p);
              endpoints.add(
                  new EndpointBuilder()
                      .withAddresses(p.getStatus().getPodIP())
                      .withNewConditions()
                      .withReady(ready)
                      .withServing(ready)
                      .withTerminating(false)
                      .endConditions()
                      .withNewTargetRef()
                      .withKind("Pod")
                      .withName(p.getMetadata().getName())
                      .withNamespace(ns)
                      .endTargetRef()
                      .build());
            });
    List<EndpointPort> ports = new ArrayList<>();
    for (ServicePort sp : service.getSpec().getPorts()) {
      ports.add(
          new EndpointPortBuilder()
              .withName(sp.getName())
              .withProtocol(sp.getProtocol())
              .withPort(targetPort(sp, pods))
              .build());
    }
    EndpointSlice desired =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .addToLabels(SERVICE_NAME, service.getMetadata().getName())
            .addToLabels(MANAGED_BY, "endpointslice-controller.k8s.io")
            .endMetadata()
            .withAddressType("IPv4")
            .withEndpoints(endpoints)
            .withPorts(ports)
            .build();
    var slices = client.discovery().v1().endpointSlices().inNamespace(ns);
    EndpointSlice existing = slices.withName(name).get();
    if (existing == null) {
      slices.resource(desired).create();
    } else if (!Objects.equals(existing.getEndpoints(), desired.getEndpoints())
        || !Objects.equals(existing.getPorts(), desired.getPorts())) {
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      slices.resource(desired).update();
    }
  }

  private static Integer targetPort(ServicePort sp, List<Pod> pods) {
    IntOrString target = sp.getTargetPort();
    if (target == null) {
      return sp.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    for (Pod p : pods) {
      for (var c : p.getSpec().getContainers()) {
        if (c.getPorts() != null) {
          for (var port : c.getPorts()) {
            if (target.getStrVal().equals(port.getName())) {
              return port.getContainerPort();
            }
          }
        }
      }
    }
    return sp.getPort();
  }

  private void removeSlices(Service service) {
    try {
      client
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace(service.getMetadata().getNamespace())
          .withLabel(SERVICE_NAME, service.getMetadata().getName())
          .delete();
    } catch (KubernetesClientException e) {
      LOG.debug(
          "sandbox: removing slices of {}: {}", service.getMetadata().getName(), e.getMessage());
    }
  }

  private static boolean matches(Pod pod, Map<String, String> selector) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }
}
