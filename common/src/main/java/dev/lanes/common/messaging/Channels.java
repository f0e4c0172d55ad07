package dev.lanes.common.messaging;

/** The channels (event-bus addresses, Kafka topics) the services use. */
public final class Channels {

  /** Commands for build-service, keyed by app. */
  public static final String BUILD_COMMANDS = "lanes.commands.builds";

  /** Commands for release-service, keyed by app. */
  public static final String RELEASE_COMMANDS = "lanes.commands.releases";

  /** Status events of builds, releases and lanes, for every subscriber. */
  public static final String EVENTS = "lanes.events";

  /**
   * Messages a consumer gave up (Kafka only: the JSON of a {@code DeadLetter}, keyed like the
   * original); every transport also records them in the table {@code dead_letters}.
   */
  public static final String DEAD_LETTERS = "lanes.dead-letters";

  private Channels() {}
}
