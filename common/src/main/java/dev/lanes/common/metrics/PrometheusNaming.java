package dev.lanes.common.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Set;

/**
 * Keeps the JVM's metrics within Prometheus' naming rules, as {@code promtool check metrics} checks
 * them. Micrometer's binders name three meters against them: {@code jvm_compilation_time_ms_total}
 * and {@code process_cpu_time_ns_total} (abbreviated, non-base units: these are replaced by {@code
 * jvm_compilation_seconds_total} and the conventional {@code process_cpu_seconds_total}) and {@code
 * system_cpu_count} (a gauge with a {@code _count} suffix, which Prometheus reserves for histograms
 * and summaries: renamed {@code system_cpus}). Install before any meter is registered.
 */
public final class PrometheusNaming {

  private static final Set<String> REPLACED = Set.of("jvm.compilation.time", "process.cpu.time");

  private PrometheusNaming() {}

  public static void apply(MeterRegistry registry) {
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> REPLACED.contains(id.getName())))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder(
              "jvm.compilation", compilation, c -> c.getTotalCompilationTime() / 1_000.0)
          .baseUnit("seconds")
          .description("Time the JIT compilers spent compiling")
          .register(registry);
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean process) {
      FunctionCounter.builder("process.cpu", process, p -> p.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time this process used")
          .register(registry);
    }
  }
}
