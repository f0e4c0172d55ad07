package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.domain.ApiKey;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.audit.Actors;
import dev.lanes.gateway.auth.ApiKeyFormat;
import dev.lanes.gateway.store.ApiKeyStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/** {@code /api/v1/api-keys} (admin): create a key (its secret shown once), list, revoke. */
final class ApiKeyHandler {

  /** A new key as answered once: the listing fields plus the key itself. */
  record CreatedKey(
      String id,
      String name,
      String prefix,
      List<Scope> scopes,
      Instant createdAt,
      Instant expiresAt,
      String key) {}

  private static final long MAX_EXPIRY_SECONDS = 2L * 366 * 24 * 3600;

  private final ApiKeyStore store;
  private final Consumer<String> revoked;
  private final Clock clock;

  /**
   * @param revoked told the id of each key revoked here, so authenticators forget it at once
   */
  ApiKeyHandler(ApiKeyStore store, Consumer<String> revoked, Clock clock) {
    this.store = store;
    this.revoked = revoked;
    this.clock = clock;
  }

  void mount(ApiRoutes routes) {
    routes.change(
        HttpMethod.POST,
        "/api-keys",
        Scope.ADMIN,
        AuditAction.API_KEY_CREATE,
        null,
        Routes.json(this::create));
    routes.add(HttpMethod.GET, "/api-keys", Scope.ADMIN, Routes.json(this::list));
    routes.add(HttpMethod.GET, "/api-keys/{id}", Scope.ADMIN, Routes.json(this::get));
    routes.change(
        HttpMethod.DELETE,
        "/api-keys/{id}",
        Scope.ADMIN,
        AuditAction.API_KEY_REVOKE,
        "id",
        Routes.json(this::revoke));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    Validation v = body.validation();
    String name = body.requiredString("name");
    if (name != null) {
      v.check(
          !name.isBlank() && name.length() <= 100, "name", "must be 1..100 characters, not blank");
    }
    List<Scope> scopes = scopes(body);
    Integer expiresIn = body.integer("expires_in_seconds");
    if (expiresIn != null) {
      v.check(
          expiresIn >= 60 && expiresIn <= MAX_EXPIRY_SECONDS,
          "expires_in_seconds",
          "must be 60.." + MAX_EXPIRY_SECONDS + " (a minute to two years)");
    }
    body.rejectUnknownFields();
    v.throwIfInvalid();
    Instant expiresAt = expiresIn == null ? null : clock.instant().plusSeconds(expiresIn);
    ApiKeyFormat.NewKey key = ApiKeyFormat.generate();
    return store
        .insert(Actors.of(ctx), key.id(), name, ApiKeyFormat.hash(key.key()), scopes, expiresAt)
        .map(stored -> Reply.created(shownOnce(stored, key.key()), location(stored)));
  }

  private static List<Scope> scopes(JsonBody body) {
    Validation v = body.validation();
    if (!body.required("scopes")) {
      return List.of();
    }
    List<String> names = body.stringList("scopes");
    if (names == null) {
      return List.of();
    }
    TreeSet<Scope> out = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    for (String n : names) {
      Optional<Scope> s = Scope.parse(n);
      s.ifPresentOrElse(out::add, () -> unknown.add(n));
    }
    v.check(unknown.isEmpty(), "scopes", "unknown scopes " + unknown + "; use read, deploy, admin");
    v.check(!names.isEmpty(), "scopes", "must name at least one of read, deploy, admin");
    return List.copyOf(out);
  }

  private static CreatedKey shownOnce(ApiKey k, String secret) {
    return new CreatedKey(
        k.id(), k.name(), k.prefix(), k.scopes(), k.createdAt(), k.expiresAt(), secret);
  }

  private static String location(ApiKey key) {
    return ApiRoutes.BASE + "/api-keys/" + key.id();
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    return store.list(page.after(), page.limit()).map(p -> Reply.page(p.items(), p.nextAfter()));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return store.get(Requests.param(ctx, "id")).map(Reply::ok);
  }

  private Future<Reply> revoke(RoutingContext ctx) {
    String id = Requests.param(ctx, "id");
    return store
        .revoke(Actors.of(ctx), id)
        .onSuccess(k -> revoked.accept(id))
        .map(k -> Reply.noContent());
  }
}
