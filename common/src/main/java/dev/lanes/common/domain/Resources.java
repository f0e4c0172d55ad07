package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Compute resources of an app's containers as Kubernetes quantities: {@code cpu}/{@code memory} are
 * requests, {@code limits} optional.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resources(String cpu, String memory, Limits limits) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Limits(String cpu, String memory) {}
}
