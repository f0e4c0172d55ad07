package dev.lanes.common.leader;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Where the Leases of a service's replicas live and how long a lead lasts.
 *
 * @param namespace the namespace of the Leases: where Lanes itself runs
 * @param identity this replica's name in the Lease: the pod's name in a cluster
 * @param leaseDuration how long another replica waits after the leader's last renewal
 * @param renewDeadline how long the leader keeps trying to renew before it stops acting: shorter
 *     than the lease, so a leader that cannot renew has stopped before anyone else can start
 * @param retryPeriod how often candidates try, and the leader renews
 */
public record LeaderConfig(
    String namespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  /** Where a pod finds its own namespace. */
  static final Path POD_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  public static final ConfigKey<String> LANES_NAMESPACE =
      ConfigKey.string(
          "LANES_NAMESPACE",
          null,
          "Namespace of the Leases that elect the replica doing the once-only work (default: the"
              + " pod's own namespace, else 'lanes')");
  public static final ConfigKey<String> POD_NAME =
      ConfigKey.string(
          "POD_NAME",
          null,
          "This replica's identity in the Leases (default: the host name plus a random suffix)");
  public static final ConfigKey<Duration> LEADER_LEASE_DURATION =
      ConfigKey.of(
          "LEADER_LEASE_DURATION",
          "15s",
          ConfigParsers::duration,
          "How long a Lease holds after its last renewal; the leader stops acting after two thirds"
              + " of it without a renewal");

  public LeaderConfig {
    if (!renewDeadline.minus(leaseDuration).isNegative()) {
      throw new IllegalArgumentException("the renew deadline must be shorter than the lease");
    }
  }

  public static LeaderConfig from(ConfigReader reader) {
    String namespace = reader.get(LANES_NAMESPACE);
    String identity = reader.get(POD_NAME);
    Duration lease = reader.get(LEADER_LEASE_DURATION);
    if (lease != null && lease.compareTo(Duration.ofSeconds(3)) < 0) {
      reader.problem("LEADER_LEASE_DURATION must be at least 3s");
      lease = Duration.ofSeconds(15);
    }
    return of(
        namespace == null ? podNamespace() : namespace,
        identity == null ? defaultIdentity() : identity,
        lease == null ? Duration.ofSeconds(15) : lease);
  }

  /** Renewal deadline two thirds of the lease, retries every seventh, as client-go's defaults. */
  public static LeaderConfig of(String namespace, String identity, Duration lease) {
    return new LeaderConfig(
        namespace, identity, lease, lease.multipliedBy(2).dividedBy(3), lease.dividedBy(7));
  }

  private static String podNamespace() {
    try {
      return Files.isReadable(POD_NAMESPACE) ? Files.readString(POD_NAMESPACE).trim() : "lanes";
    } catch (java.io.IOException e) {
      return "lanes";
    }
  }

  private static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "lanes";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
