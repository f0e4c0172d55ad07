package dev.lanes.gateway.auth;

import dev.lanes.common.domain.Scope;
import java.util.List;

/** Who made a request: the API key that authenticated it (its id and name) and what it may do. */
public record Principal(String keyId, String keyName, List<Scope> scopes) {

  public static final String CONTEXT_KEY = "lanes.principal";

  public boolean allows(Scope required) {
    return scopes.stream().anyMatch(s -> s.includes(required));
  }

  public Scope highest() {
    return scopes.stream().max(Scope::compareTo).orElse(null);
  }
}
