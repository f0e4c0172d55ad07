package dev.lanes.builds.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.eclipse.jgit.transport.http.HttpConnection;

/**
 * One request of JGit's HTTP transport, sent by Apache HttpClient once its host is checked. A
 * request body is kept in memory: ref listing sends a few hundred bytes at most.
 */
final class PinnedHttpConnection implements HttpConnection {

  private final URL url;
  private final CloseableHttpClient client;
  private final CheckedHosts hosts;
  private final Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
  private String method = "GET";
  private ByteArrayOutputStream body;
  private ClassicHttpResponse response;

  PinnedHttpConnection(URL url, CloseableHttpClient client, CheckedHosts hosts) {
    this.url = url;
    this.client = client;
    this.hosts = hosts;
  }

  /** Sends the request the first time its outcome is asked for. */
  private ClassicHttpResponse response() throws IOException {
    if (response != null) {
      return response;
    }
    // refused before anything is sent; the client's lookups then answer what was checked here
    hosts.addresses(url.getHost());
    HttpUriRequestBase request;
    try {
      request = new HttpUriRequestBase(method, url.toURI());
    } catch (URISyntaxException e) {
      throw new IOException("not a URL: " + url, e);
    }
    requestHeaders.forEach((name, values) -> values.forEach(v -> request.addHeader(name, v)));
    if (body != null) {
      request.setEntity(new ByteArrayEntity(body.toByteArray(), null));
    }
    response = client.executeOpen(null, request, null);
    return response;
  }

  @Override
  public int getResponseCode() throws IOException {
    return response().getCode();
  }

  @Override
  public URL getURL() {
    return url;
  }

  @Override
  public String getResponseMessage() throws IOException {
    return response().getReasonPhrase();
  }

  @Override
  public Map<String, List<String>> getHeaderFields() {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (Header h : response.getHeaders()) {
      fields.computeIfAbsent(h.getName(), n -> new ArrayList<>()).add(h.getValue());
    }
    return fields;
  }

  @Override
  public List<String> getHeaderFields(String name) {
    List<String> values = new ArrayList<>();
    for (Header h : response.getHeaders(name)) {
      values.add(h.getValue());
    }
    return List.copyOf(values);
  }

  @Override
  public String getHeaderField(String name) {
    Header h = response.getFirstHeader(name);
    return h == null ? null : h.getValue();
  }

  @Override
  public void setRequestProperty(String name, String value) {
    requestHeaders.put(name, new ArrayList<>(List.of(value)));
  }

  @Override
  public void setRequestMethod(String method) {
    this.method = method;
  }

  @Override
  public String getRequestMethod() {
    return method;
  }

  @Override
  public String getContentType() {
    return getHeaderField("Content-Type");
  }

  @Override
  public int getContentLength() {
    HttpEntity entity = response.getEntity();
    long length = entity == null ? -1 : entity.getContentLength();
    return length < 0 || length > Integer.MAX_VALUE ? -1 : (int) length;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    HttpEntity entity = response().getEntity();
    return entity == null ? InputStream.nullInputStream() : entity.getContent();
  }

  @Override
  public OutputStream getOutputStream() {
    if (body == null) {
      body = new ByteArrayOutputStream();
    }
    return body;
  }

  @Override
  public void setDoOutput(boolean output) {
    // the body is whatever was written to getOutputStream()
  }

  @Override
  public void setFixedLengthStreamingMode(int contentLength) {
    // the body is buffered: its length is known when it is sent
  }

  @Override
  public void setChunkedStreamingMode(int chunkLength) {
    // likewise
  }

  @Override
  public void setUseCaches(boolean useCaches) {
    // nothing is cached
  }

  @Override
  public void setConnectTimeout(int timeout) {
    // the factory's client has the resolver's timeout
  }

  @Override
  public void setReadTimeout(int timeout) {
    // likewise
  }

  @Override
  public void setInstanceFollowRedirects(boolean follow) {
    // the client never follows redirects: JGit does, through the factory
  }

  @Override
  public boolean usingProxy() {
    return false;
  }

  @Override
  public void connect() throws IOException {
    response();
  }

  /**
   * Asked for only when {@code http.sslVerify} is off or a user trusted a certificate, neither of
   * which Lanes does: TLS is verified against the repository's host name, always.
   */
  @Override
  public void configure(KeyManager[] km, TrustManager[] tm, SecureRandom random)
      throws KeyManagementException {
    throw new KeyManagementException("TLS verification of git repositories cannot be turned off");
  }

  @Override
  public void setHostnameVerifier(HostnameVerifier verifier) throws KeyManagementException {
    throw new KeyManagementException("TLS verification of git repositories cannot be turned off");
  }
}
