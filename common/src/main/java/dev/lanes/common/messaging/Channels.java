package dev.lanes.common.messaging;

/** The channels (event-bus addresses, Kafka topics) the services use. */
public final class Channels {

  /** Commands for build-service, keyed by app. */
  public static final String BUILD_COMMANDS = "lanes.commands.builds";

  /** Commands for release-service, keyed by app. */
  public static final String RELEASE_COMMANDS = "lanes.commands.releases";

  /**
   * What the API asks build-service to record (a build requested, cancelled), keyed by app; each is
   * answered on {@link #REPLIES}.
   */
  public static final String BUILD_REQUESTS = "lanes.requests.builds";

  /**
   * What the API asks release-service to record (releases, rollbacks, undeploys, lanes), keyed by
   * app or lane; each is answered on {@link #REPLIES}.
   */
  public static final String RELEASE_REQUESTS = "lanes.requests.releases";

  /** Answers to requests, for every requester (each keeps the ones it waits for). */
  public static final String REPLIES = "lanes.replies";

  /** Status events of builds, releases and lanes, for every subscriber. */
  public static final String EVENTS = "lanes.events";

  /**
   * Messages a consumer gave up (Kafka only: the JSON of a {@code DeadLetter}, keyed like the
   * original); every transport also records them in the table {@code dead_letters}.
   */
  public static final String DEAD_LETTERS = "lanes.dead-letters";

  private Channels() {}
}
