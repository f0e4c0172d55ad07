package dev.lanes.sandbox.api;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.Executor;

/**
 * Wraps the mock server's watch listener so that closing a watch cannot stall the API server.
 *
 * <p>fabric8's {@code WatchEventsListener} waits, in {@code onClosed} on the mock server's only
 * event loop, for its sender thread to finish; that thread may itself be waiting (up to 30 s) for a
 * WebSocket write that only the same event loop can complete. Every request then times out. This
 * wrapper runs {@code onClosed} and {@code onFailure} on another thread; everything else is passed
 * through unchanged.
 */
final class UnblockingWatchListener extends WebSocketListener {

  private final WebSocketListener delegate;
  private final Executor closer;
  private final Runnable forget;

  /**
   * @param forget takes the watch out of those the dispatcher sends changes to; run before the
   *     delegate stops its sender
   */
  UnblockingWatchListener(WebSocketListener delegate, Executor closer, Runnable forget) {
    this.delegate = delegate;
    this.closer = closer;
    this.forget = forget;
  }

  @Override
  public void onBeforeAccept(WebSocket webSocket, Response response) {
    delegate.onBeforeAccept(webSocket, response);
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    delegate.onOpen(webSocket, response);
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    delegate.onMessage(webSocket, text);
  }

  @Override
  public void onMessage(WebSocket webSocket, ByteString bytes) {
    delegate.onMessage(webSocket, bytes);
  }

  @Override
  public void onMessage(WebSocket webSocket, byte[] bytes) {
    delegate.onMessage(webSocket, bytes);
  }

  @Override
  public void onPing(WebSocket webSocket, byte[] bytes) {
    delegate.onPing(webSocket, bytes);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    delegate.onClosing(webSocket, code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    closer.execute(
        () -> {
          try {
            forget.run();
          } finally {
            // whatever forgetting did, the watch's own close runs: its sender must stop
            delegate.onClosed(webSocket, code, reason);
          }
        });
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable t, Response response) {
    closer.execute(
        () -> {
          try {
            forget.run();
          } finally {
            // whatever forgetting did, the watch's own close runs: its sender must stop
            delegate.onFailure(webSocket, t, response);
          }
        });
  }
}
