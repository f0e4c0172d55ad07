package dev.lanes.common.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaseLeadershipTest {

  static KubernetesClient client;

  private static final String NS = "lanes";
  private static final Duration LEASE = Duration.ofSeconds(2);

  private Vertx vertx;
  private final List<Leadership> replicas = new ArrayList<>();

  /** Duties running now, over all replicas, and the most ever seen at once. */
  private final AtomicInteger running = new AtomicInteger();

  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    for (Leadership l : replicas) {
      l.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    client.leases().inNamespace(NS).delete();
  }

  /** A replica whose duty counts itself in {@link #running} while it runs. */
  private Leadership replica(String lease, String name, AtomicInteger starts) {
    Leadership l = new LeaseLeadership(client, LeaderConfig.of(NS, name, LEASE), lease);
    replicas.add(l);
    l.lead(
        vertx.getOrCreateContext(),
        () -> {
          starts.incrementAndGet();
          mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
          return running::decrementAndGet;
        });
    return l;
  }

  @Test
  void oneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
    AtomicInteger aStarts = new AtomicInteger();
    AtomicInteger bStarts = new AtomicInteger();
    Leadership a = replica("lanes-build-service", "a", aStarts);
    Leadership b = replica("lanes-build-service", "b", bStarts);

    await().atMost(10, TimeUnit.SECONDS).until(() -> running.get() == 1);
    Leadership leader = a.leading() ? a : b;
    Leadership other = leader == a ? b : a;
    assertThat(other.leading()).isFalse();

    leader.close().await(10, TimeUnit.SECONDS);
    await().atMost(10, TimeUnit.SECONDS).until(other::leading);
    await().atMost(5, TimeUnit.SECONDS).until(() -> running.get() == 1);
    assertThat(mostAtOnce.get()).as("duties running at once, ever").isEqualTo(1);
    assertThat(aStarts.get() + bStarts.get()).isEqualTo(2);
    Lease lease = client.leases().inNamespace(NS).withName("lanes-build-service").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(other == a ? "a" : "b");
  }

  @Test
  void aLeaderWhoseLeaseIsTakenStopsActing() throws Exception {
    AtomicInteger starts = new AtomicInteger();
    Leadership only = replica("lanes-release-service", "only", starts);
    await().atMost(10, TimeUnit.SECONDS).until(() -> running.get() == 1);

    // another holder takes the Lease for a long time, as after a partition healed
    client
        .leases()
        .inNamespace(NS)
        .withName("lanes-release-service")
        .edit(
            l -> {
              l.getSpec().setHolderIdentity("someone-else");
              l.getSpec().setLeaseDurationSeconds(600);
              l.getSpec().setRenewTime(ZonedDateTime.now());
              return l;
            });

    await().atMost(10, TimeUnit.SECONDS).until(() -> !only.leading());
    await().atMost(5, TimeUnit.SECONDS).until(() -> running.get() == 0);
    assertThat(starts.get()).isEqualTo(1);
  }

  @Test
  void replicasOfDifferentServicesLeadEachTheirOwn() {
    AtomicInteger builds = new AtomicInteger();
    AtomicInteger releases = new AtomicInteger();
    Leadership b = replica("lanes-build-service", "x", builds);
    Leadership r = replica("lanes-release-service", "x", releases);
    await().atMost(10, TimeUnit.SECONDS).until(() -> b.leading() && r.leading());
    await().atMost(5, TimeUnit.SECONDS).until(() -> running.get() == 2);
  }
}
