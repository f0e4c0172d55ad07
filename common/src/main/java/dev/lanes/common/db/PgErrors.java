package dev.lanes.common.db;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.LanesException;
import dev.lanes.common.error.ServerError;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.Optional;

/**
 * Translates the failures of the Postgres client where they appear: an unreachable or restarting
 * server becomes {@code database_unavailable} (503, retry), a value the database refused becomes a
 * client error, anything else stays as it is.
 */
public final class PgErrors {

  public static final String UNIQUE_VIOLATION = "23505";
  public static final String FOREIGN_KEY_VIOLATION = "23503";

  private PgErrors() {}

  /** The SQLState of a Postgres error, if {@code e} is one. */
  public static Optional<String> sqlState(Throwable e) {
    return e instanceof PgException pg ? Optional.ofNullable(pg.getSqlState()) : Optional.empty();
  }

  public static boolean isUniqueViolation(Throwable e) {
    return sqlState(e).filter(UNIQUE_VIOLATION::equals).isPresent();
  }

  public static boolean isForeignKeyViolation(Throwable e) {
    return sqlState(e).filter(FOREIGN_KEY_VIOLATION::equals).isPresent();
  }

  /** The constraint a Postgres error names, or an empty string. */
  public static String constraint(Throwable e) {
    return e instanceof PgException pg && pg.getConstraint() != null ? pg.getConstraint() : "";
  }

  /** {@code e} as a {@link LanesException} when it is one the caller can act on, else {@code e}. */
  public static Throwable translate(Throwable e) {
    if (e instanceof LanesException) {
      return e;
    }
    if (isUnavailable(e)) {
      return ServerError.unavailable(
          ErrorCode.DATABASE_UNAVAILABLE, "the database is not reachable; retry shortly", e);
    }
    String state = sqlState(e).orElse("");
    if (state.startsWith("22")) {
      // data exception: a value the database refused (too long, out of range, bad encoding)
      return new ClientError(ErrorCode.VALIDATION_FAILED, "a value was refused by the database");
    }
    return e;
  }

  /** Whether {@code e} says the database cannot be reached right now. */
  public static boolean isUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof ClosedConnectionException
          || t instanceof io.vertx.core.http.ConnectionPoolTooBusyException) {
        return true;
      }
      String state = sqlState(t).orElse("");
      if (state.startsWith("08")
          || state.equals("57P01")
          || state.equals("57P03")
          || state.equals("53300")) {
        return true;
      }
      if (t instanceof VertxException && String.valueOf(t.getMessage()).contains("Timeout")) {
        return true;
      }
    }
    return false;
  }
}
