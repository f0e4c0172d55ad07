package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static dev.lanes.gateway.http.ImageRepoApiTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
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

  @Test
  void sshIsRefusedSayingItIsNotSupportedYet() {
    Response bad =
        gateway.post(
            "/api/v1/image-repos",
            repo("web")
                .put(
                    "git_credentials",
                    new JsonObject()
                        .put("type", "ssh")
                        .put("private_key", "-----BEGIN OPENSSH PRIVATE KEY-----")));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_credentials.type");
    assertThat(bad.raw().toString()).contains("ssh is not supported yet");
    assertThat(gateway.count("image_repos")).isZero();
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
