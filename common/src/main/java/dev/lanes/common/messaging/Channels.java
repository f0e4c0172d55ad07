package dev.lanes.common.messaging;

/** The channels (event-bus addresses, Kafka topics) the services use. */
public final class Channels {

  /** Commands for build-service, keyed by app. */
  public static final String BUILD_COMMANDS = "lanes.commands.builds";

  /** Commands for release-service, keyed by app. */
  public static final String RELEASE_COMMANDS = "lanes.commands.releases";

  /** Status events of builds, releases and lanes, for every subscriber. */
  public static final String EVENTS = "lanes.events";

  private Channels() {}
}
