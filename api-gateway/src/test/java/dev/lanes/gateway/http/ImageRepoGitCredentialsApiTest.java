package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static dev.lanes.gateway.http.ImageRepoApiTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import dev.lanes.testkit.TestSshKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * {@code git_credentials} are write-only: a canary password is looked for in every answer, the
 * stored row, the audit log, the outbox and the gateway's log, and must be nowhere.
 */
class ImageRepoGitCredentialsApiTest {

  private static final String CANARY = "ghp_canary7d41b0e9";
  private static TestGateway gateway;
  private final List<String> answers = new ArrayList<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @BeforeEach
  void clean() {
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
    log.start();
    root().addAppender(log);
  }

  @AfterEach
  void noCanaryInTheLog() {
    root().detachAppender(log);
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(CANARY));
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static JsonObject basic(String username, String password) {
    return new JsonObject()
        .put("type", "basic")
        .put("username", username)
        .put("password", password);
  }

  private Response kept(Response r) {
    answers.add(r.raw().toString(StandardCharsets.UTF_8));
    return r;
  }

  private static List<String> rows(String query) {
    List<String> out = new ArrayList<>();
    for (Row row : gateway.pool.query(query).execute().timeout(30, TimeUnit.SECONDS).await()) {
      out.add(row.toJson().encode());
    }
    return out;
  }

  @Test
  void thePasswordIsAnsweredMaskedAndTheUserNameAsGiven() {
    Response created =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                repo("web").put("git_credentials", basic("x-access-token", CANARY))));

    assertThat(created.status()).isEqualTo(201);
    JsonObject masked = basic("x-access-token", "***");
    assertThat(created.data().getJsonObject("git_credentials")).isEqualTo(masked);
    assertThat(kept(gateway.get("/api/v1/image-repos/web")).data().getJsonObject("git_credentials"))
        .isEqualTo(masked);
    assertThat(kept(gateway.get("/api/v1/image-repos")).raw().toString()).doesNotContain(CANARY);
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }

  @Test
  void thePasswordIsSealedInTheDatabaseAndNeitherTheAuditLogNorTheOutboxHoldsIt() {
    kept(
        gateway.post(
            "/api/v1/image-repos",
            repo("web").put("git_credentials", basic("x-access-token", CANARY))));
    kept(
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject().put("git_credentials", basic("x-access-token", CANARY + "2"))));

    Row stored =
        gateway
            .pool
            .query("select git_credentials from image_repos where name = 'web'")
            .execute()
            .timeout(30, TimeUnit.SECONDS)
            .await()
            .iterator()
            .next();
    assertThat(stored.getBuffer("git_credentials").toString(StandardCharsets.ISO_8859_1))
        .doesNotContain(CANARY);
    List<String> audit = rows("select * from audit_log");
    assertThat(audit).isNotEmpty().noneMatch(r -> r.contains(CANARY));
    assertThat(audit)
        .filteredOn(r -> r.contains("image_repo.update"))
        .anySatisfy(r -> assertThat(r).contains("\"fields\":[\"git_credentials\"]"));
    assertThat(rows("select * from outbox")).noneMatch(r -> r.contains(CANARY));
    assertThat(kept(gateway.get("/api/v1/audit")).raw().toString()).doesNotContain(CANARY);
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }

  @Test
  void anUpdateWithoutThemKeepsThemAndNullRemovesThem() {
    gateway.post(
        "/api/v1/image-repos", repo("web").put("git_credentials", basic("x-access-token", CANARY)));

    Response other =
        gateway.put(
            "/api/v1/image-repos/web", new JsonObject().put("dockerfile", "Dockerfile.prod"));
    assertThat(other.data().getJsonObject("git_credentials").getString("password"))
        .isEqualTo("***");

    Response removed =
        gateway.put("/api/v1/image-repos/web", new JsonObject().putNull("git_credentials"));
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.data().getValue("git_credentials")).isNull();
    assertThat(rows("select git_credentials, git_username from image_repos"))
        .singleElement()
        .satisfies(r -> assertThat(r).doesNotContain("x-access-token"));
  }

  private static final KeyPair SSH_KEY = TestSshKeys.generate();
  private static final String KNOWN_HOSTS =
      TestSshKeys.knownHostsLine("git.example.com", TestSshKeys.generate()) + "\n";

  private static JsonObject ssh(String privateKey, String knownHosts) {
    return new JsonObject()
        .put("type", "ssh")
        .put("private_key", privateKey)
        .put("known_hosts", knownHosts);
  }

  private static JsonObject sshRepo(String name, String gitRepo) {
    return repo(name).put("git_repo", gitRepo);
  }

  @Test
  void anSshKeyIsAnsweredMaskedAndTheKnownHostsAsGiven() {
    String key = TestSshKeys.openSsh(SSH_KEY);
    Response created =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                sshRepo("web", "git@git.example.com:team/web.git")
                    .put("git_credentials", ssh(key, KNOWN_HOSTS))));

    assertThat(created.status()).isEqualTo(201);
    JsonObject masked = ssh("***", KNOWN_HOSTS);
    assertThat(created.data().getJsonObject("git_credentials")).isEqualTo(masked);
    assertThat(kept(gateway.get("/api/v1/image-repos/web")).data().getJsonObject("git_credentials"))
        .isEqualTo(masked);
    String body = key.lines().skip(1).findFirst().orElseThrow();
    assertThat(answers).noneMatch(a -> a.contains(body));
    assertThat(rows("select * from audit_log")).noneMatch(r -> r.contains(body));
    assertThat(rows("select * from outbox")).noneMatch(r -> r.contains(body));
    assertThat(rows("select git_credentials from image_repos")).noneMatch(r -> r.contains(body));
    assertThat(log.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(body));
  }

  @Test
  void anSshUrlWithAPortNeedsKnownHostsForTheHostInBrackets() {
    String key = TestSshKeys.openSsh(SSH_KEY);
    String onPort = TestSshKeys.knownHostsLine("[git.example.com]:2222", TestSshKeys.generate());

    Response without =
        gateway.post(
            "/api/v1/image-repos",
            sshRepo("web", "ssh://git@git.example.com:2222/team/web.git")
                .put("git_credentials", ssh(key, KNOWN_HOSTS)));
    Response with =
        gateway.post(
            "/api/v1/image-repos",
            sshRepo("web", "ssh://git@git.example.com:2222/team/web.git")
                .put("git_credentials", ssh(key, onPort)));

    assertThat(without.status()).isEqualTo(400);
    assertThat(fields(without)).containsExactly("git_credentials.known_hosts");
    assertThat(without.raw().toString()).contains("[git.example.com]:2222");
    assertThat(with.status()).isEqualTo(201);
  }

  @Test
  void anEncryptedKeyIsRefusedSayingSoWithoutQuotingIt() {
    String encrypted = TestSshKeys.encryptedOpenSsh(SSH_KEY, "passphrase");

    Response bad =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                sshRepo("web", "git@git.example.com:team/web.git")
                    .put("git_credentials", ssh(encrypted, KNOWN_HOSTS))));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials.private_key");
    assertThat(bad.raw().toString()).contains("passphrase").doesNotContain("OPENSSH");
    assertThat(gateway.count("image_repos")).isZero();
  }

  @Test
  void whatIsNoKeyAndNoKnownHostsIsRefusedNamingBothFields() {
    Response bad =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                sshRepo("web", "git@git.example.com:team/web.git")
                    .put(
                        "git_credentials",
                        ssh("-----BEGIN OPENSSH PRIVATE KEY-----\n" + CANARY, "x"))));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder("git_credentials.private_key", "git_credentials.known_hosts");
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }

  @Test
  void sshCredentialsForAnHttpsUrlAreRefusedNamingTheType() {
    Response bad =
        gateway.post(
            "/api/v1/image-repos",
            sshRepo("web", "https://git.example.com/team/web.git")
                .put("git_credentials", ssh(TestSshKeys.openSsh(SSH_KEY), KNOWN_HOSTS)));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials.type");
  }

  @Test
  void basicCredentialsForAnSshUrlAreRefusedNamingTheType() {
    Response bad =
        gateway.post(
            "/api/v1/image-repos",
            sshRepo("web", "git@git.example.com:team/web.git")
                .put("git_credentials", basic("x-access-token", CANARY)));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials.type");
  }

  @Test
  void anUpdateToAnHttpsUrlKeepingSshCredentialsIsRefusedAndChangesNothing() {
    gateway.post(
        "/api/v1/image-repos",
        sshRepo("web", "git@git.example.com:team/web.git")
            .put("git_credentials", ssh(TestSshKeys.openSsh(SSH_KEY), KNOWN_HOSTS)));

    Response bad =
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject().put("git_repo", "https://git.example.com/team/web.git"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials.type");
    assertThat(gateway.get("/api/v1/image-repos/web").data().getString("git_repo"))
        .isEqualTo("git@git.example.com:team/web.git");
  }

  @Test
  void anSshUrlWithoutCredentialsIsRefused() {
    Response bad =
        gateway.post("/api/v1/image-repos", sshRepo("web", "git@git.example.com:team/web.git"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials");
  }

  @ParameterizedTest
  @CsvSource({
    "username, '', ok",
    "password, ok, ''",
    "username, 'a:b', ok",
    "password, ok, 'line\nbreak'",
    "username, 'tab\there', ok"
  })
  void refusesEmptyOrUnprintableCredentialsWithoutQuotingThem(
      String field, String username, String password) {
    Response bad =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                repo("web").put("git_credentials", basic(username, password))));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials." + field);
    assertThat(gateway.count("image_repos")).isZero();
  }

  @Test
  void aPasswordTooLongIsRefusedWithoutBeingQuoted() {
    String tooLong = CANARY + "x".repeat(9000);

    Response bad =
        kept(
            gateway.post(
                "/api/v1/image-repos", repo("web").put("git_credentials", basic("u", tooLong))));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials.password");
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }
}
