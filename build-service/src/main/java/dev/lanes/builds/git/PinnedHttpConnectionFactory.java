package dev.lanes.builds.git;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URL;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.io.CloseMode;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;

/**
 * JGit's HTTP connections for one ref listing, over Apache HttpClient, whose name lookups answer
 * only the addresses {@link CheckedHosts} checked. The URL keeps the host name, so the {@code Host}
 * header, TLS SNI and certificate host name verification are the repository's (rewriting the URL to
 * an address would break all three). No proxy: a proxy would look the name up again.
 *
 * <p>Set per transport ({@code TransportHttp.setHttpConnectionFactory}), never as JGit's global
 * factory, and closed when the listing ends.
 */
final class PinnedHttpConnectionFactory implements HttpConnectionFactory, AutoCloseable {

  private final CheckedHosts hosts;
  private final CloseableHttpClient client;

  PinnedHttpConnectionFactory(CheckedHosts hosts, Duration timeout) {
    this.hosts = hosts;
    long millis = Math.max(1, timeout.toMillis());
    this.client =
        HttpClients.custom()
            .setConnectionManager(
                PoolingHttpClientConnectionManagerBuilder.create()
                    .setDnsResolver(new Pinned(hosts))
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(millis, TimeUnit.MILLISECONDS)
                            .setSocketTimeout((int) millis, TimeUnit.MILLISECONDS)
                            .build())
                    .build())
            // JGit follows redirects itself, through this factory (so each new host is checked),
            // decodes gzip, keeps cookies and answers 401s; the client must not do it behind it
            .disableRedirectHandling()
            .disableContentCompression()
            .disableCookieManagement()
            .disableAuthCaching()
            .build();
  }

  @Override
  public HttpConnection create(URL url) throws IOException {
    return new PinnedHttpConnection(url, client, hosts);
  }

  /** The proxy JGit found for the URL is not used: see the class comment. */
  @Override
  public HttpConnection create(URL url, Proxy proxy) throws IOException {
    return create(url);
  }

  @Override
  public void close() {
    client.close(CloseMode.IMMEDIATE);
  }

  /** Answers the checked addresses only: the name server is never asked here. */
  private record Pinned(CheckedHosts hosts) implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      return hosts.pinned(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) {
      return host;
    }
  }
}
