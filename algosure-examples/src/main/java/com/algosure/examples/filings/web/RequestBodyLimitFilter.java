package com.algosure.examples.filings.web;

import com.algosure.audit.AuditIds;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request body larger than the API accepts ({@code filings.max-request-body}) with a 413 problem, reason
 * {@code REQUEST_BODY_TOO_LARGE}, before anything parses it: at once where the declared {@code Content-Length} is over
 * the limit, and for a body without one (chunked) once more than the limit has arrived; a chunked body within the limit
 * is passed on as read. Nothing of the body is echoed. The authority's callback is not covered: it reads no more than
 * its callback guard accepts. Thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestBodyLimitFilter extends OncePerRequestFilter {

  private static final Logger LOG = LoggerFactory.getLogger(RequestBodyLimitFilter.class);

  private final int maxBytes;
  private final ProblemResponses problems;

  /**
   * @param max the largest body accepted, at least 1 byte and at most 2 GiB
   * @param problems writes the refusal
   * @throws IllegalArgumentException if {@code max} is out of range
   */
  public RequestBodyLimitFilter(DataSize max, ProblemResponses problems) {
    long bytes = max.toBytes();
    if (bytes < 1 || bytes >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("filings.max-request-body: " + max + " is out of range: use 1B to 2GB, such as 64KB");
    }
    this.maxBytes = (int) bytes;
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return request.getRequestURI().startsWith(request.getContextPath() + "/api/callbacks/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      refuse(request, response);
      return;
    }
    if (declared >= 0) { // the container delivers no more than the declared length
      chain.doFilter(request, response);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
    if (body.length > maxBytes) {
      refuse(request, response);
      return;
    }
    chain.doFilter(new ReadBody(request, body), response);
  }

  private void refuse(HttpServletRequest request, HttpServletResponse response) {
    String id = AuditIds.next();
    LOG.info("request body over the limit of {} bytes ({}): REQUEST_BODY_TOO_LARGE", maxBytes, id);
    problems.write(problems.of(413, "REQUEST_BODY_TOO_LARGE", "The request body is larger than the " + maxBytes
        + " bytes this API accepts: send a smaller one.", Map.of("decisionId", id), Map.of()), request, response);
  }

  /** A request whose body was read whole (within the limit) and is served from memory. */
  private static final class ReadBody extends HttpServletRequestWrapper {

    private final byte[] body;

    ReadBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already read: no asynchronous reading");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
  }
}
