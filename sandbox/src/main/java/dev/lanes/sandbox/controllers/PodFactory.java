package dev.lanes.sandbox.controllers;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place the sandbox builds a pod: from its owner's pod template, named after the owner with
 * a random suffix, labelled as Kubernetes labels it, owned by its owner (a controller reference),
 * {@code Pending}, and bound to the sandbox's node, there being no scheduler. From then on its
 * status is the kubelet's. Pure but for the suffix.
 */
final class PodFactory {

  static final String JOB_NAME = "job-name";
  static final String BATCH_JOB_NAME = "batch.kubernetes.io/job-name";
  static final String HASH = "pod-template-hash";

  private final String node;

  PodFactory(String node) {
    this.node = node;
  }

  /** The pod of a Job. It gets the Job's {@code activeDeadlineSeconds}, for the kubelet to end. */
  Pod forJob(Job job) {
    String name = job.getMetadata().getName();
    PodTemplateSpec template = job.getSpec().getTemplate();
    Map<String, String> labels = templateLabels(template);
    labels.put(JOB_NAME, name);
    labels.put(BATCH_JOB_NAME, name);
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    Long own = template.getSpec().getActiveDeadlineSeconds();
    return pod(
        job.getMetadata().getNamespace(),
        name + "-" + suffix(),
        template,
        labels,
        owner("batch/v1", "Job", name, job.getMetadata().getUid()),
        own == null || (deadline != null && deadline < own) ? deadline : own);
  }

  /** A pod of a Deployment's ReplicaSet, labelled with its template's hash. */
  Pod forReplicaSet(ReplicaSet rs) {
    String name = rs.getMetadata().getName();
    PodTemplateSpec template = rs.getSpec().getTemplate();
    Map<String, String> labels = templateLabels(template);
    labels.put(HASH, rs.getMetadata().getLabels().get(HASH));
    return pod(
        rs.getMetadata().getNamespace(),
        name + "-" + suffix(),
        template,
        labels,
        owner("apps/v1", "ReplicaSet", name, rs.getMetadata().getUid()),
        template.getSpec().getActiveDeadlineSeconds());
  }

  private Pod pod(
      String namespace,
      String name,
      PodTemplateSpec template,
      Map<String, String> labels,
      OwnerReference owner,
      Long activeDeadlineSeconds) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .withAnnotations(
            template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
        .withOwnerReferences(owner)
        .endMetadata()
        .withSpec(
            new PodSpecBuilder(template.getSpec())
                .withNodeName(node)
                .withActiveDeadlineSeconds(activeDeadlineSeconds)
                .build())
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  private static Map<String, String> templateLabels(PodTemplateSpec template) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    return labels;
  }

  private static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(name)
        .withUid(uid)
        .withController(true)
        .build();
  }

  private static String suffix() {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return s.toString();
  }
}
