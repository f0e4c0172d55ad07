package dev.lanes.cli;

import java.io.PrintWriter;

/** Prints a log answered as server-sent events: a line per {@code data:}, until the end. */
final class LogStreams {

  private LogStreams() {}

  /** Prints the log at {@code path}; answers the data of its {@code end} event, if it sent one. */
  static ApiClient.Event print(ApiClient api, String path, PrintWriter out) {
    ApiClient.Event[] end = new ApiClient.Event[1];
    api.stream(
        path,
        null,
        e -> {
          if ("end".equals(e.event())) {
            end[0] = e;
            return false;
          }
          out.println(e.data());
          out.flush();
          return true;
        });
    return end[0];
  }
}
