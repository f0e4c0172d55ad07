package dev.lanes.common.validation;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every invalid field of one request so that the client hears about all of them at once.
 * Not thread-safe; one per request.
 */
public final class Validation {

  private final List<FieldError> errors = new ArrayList<>();

  public Validation add(String field, String message) {
    errors.add(new FieldError(field, message));
    return this;
  }

  /** Records {@code message} for {@code field} unless {@code ok}; returns {@code ok}. */
  public boolean check(boolean ok, String field, String message) {
    if (!ok) {
      add(field, message);
    }
    return ok;
  }

  public boolean hasErrorFor(String field) {
    return errors.stream().anyMatch(e -> e.field().equals(field));
  }

  public boolean isValid() {
    return errors.isEmpty();
  }

  public List<FieldError> errors() {
    return List.copyOf(errors);
  }

  /**
   * @throws ClientError {@code validation_failed} listing every recorded field error
   */
  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ClientError.invalid(errors);
    }
  }
}
