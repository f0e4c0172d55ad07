package dev.lanes.bench.chaos;

/**
 * One command a client sent, and what became of it. Written only by the client that owns it; read
 * once every client has ended.
 */
final class Command {

  enum Kind {
    BUILD,
    RELEASE,
    ROLLBACK,
    LANE_CREATE,
    LANE_DELETE
  }

  enum Outcome {
    /** Answered 2xx. */
    ACCEPTED,
    /** Not answered 2xx (503, a timeout, a reset), but carried out: the client saw its effect. */
    CARRIED_OUT_UNANSWERED,
    /** Answered 4xx: refused for good. */
    REFUSED
  }

  final int n;
  final int client;
  final Kind kind;
  final String app;
  final String lane;

  Outcome outcome;

  /** The build's or release's id; the lane's name. */
  String id;

  /** A release's revision this command made. */
  int revision;

  int attempts;

  /** Attempts answered 503, 5xx or not at all (then looked up before sending again). */
  int unclear;

  String refusal;

  Command(int n, int client, Kind kind, String app, String lane) {
    this.n = n;
    this.client = client;
    this.kind = kind;
    this.app = app;
    this.lane = lane;
  }

  /** The git ref a build command names: its own branch, so its build can be found by it. */
  String gitRef() {
    return "cmd-" + n;
  }

  boolean carriedOut() {
    return outcome == Outcome.ACCEPTED || outcome == Outcome.CARRIED_OUT_UNANSWERED;
  }

  @Override
  public String toString() {
    return "#" + n + " " + kind + " " + app + "/" + lane + " " + outcome + " " + id + " r"
        + revision;
  }
}
