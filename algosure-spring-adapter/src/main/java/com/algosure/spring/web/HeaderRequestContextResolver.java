package com.algosure.spring.web;

import com.algosure.authz.OrganizationId;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Reads the request's context from HTTP headers (and, if configured, a query parameter for the active
 * organization). A header sent twice with different values, a header and a parameter that differ, or a value
 * that is not a valid id, is refused rather than guessed at. An empty header or parameter names nothing and is
 * ignored. The parameter is read from the query string only, never from a form body. Outside an HTTP request
 * it finds nothing, and so it does on a thread that carries the attributes of a request that has ended. Immutable
 * and thread-safe.
 *
 * @since 0.1.0
 */
public final class HeaderRequestContextResolver implements RequestContextResolver {

  /** An attribute only asked for, to learn whether the request is still active. */
  private static final String PROBE = HeaderRequestContextResolver.class.getName() + ".active";

  private final String organizationHeader;
  private final @Nullable String organizationParameter;
  private final String approvalHeader;
  private final String correlationHeader;

  /**
   * @param organizationHeader the header naming the active organization, such as {@code X-Organization-Id}
   * @param organizationParameter a query parameter naming it as well (read from the query string only), or null
   *     for none
   * @param approvalHeader the header presenting an approval id, such as {@code X-Approval-Id}
   * @param correlationHeader the header carrying a correlation id, such as {@code X-Correlation-Id}
   */
  public HeaderRequestContextResolver(String organizationHeader, @Nullable String organizationParameter,
      String approvalHeader, String correlationHeader) {
    this.organizationHeader = Objects.requireNonNull(organizationHeader, "organizationHeader");
    this.organizationParameter = organizationParameter;
    this.approvalHeader = Objects.requireNonNull(approvalHeader, "approvalHeader");
    this.correlationHeader = Objects.requireNonNull(correlationHeader, "correlationHeader");
  }

  @Override
  public Optional<OrganizationId> activeOrganization() {
    HttpServletRequest request = current();
    if (request == null) {
      return Optional.empty();
    }
    List<String> values = values(request.getHeaders(organizationHeader));
    String source = "header " + organizationHeader;
    if (organizationParameter != null) {
      List<String> params = queryValues(request.getQueryString(), organizationParameter);
      if (!params.isEmpty()) {
        values.addAll(params);
        source += " / parameter " + organizationParameter;
      }
    }
    String from = source;
    return single(values, from).map(v -> valid(v, from));
  }

  @Override
  public Optional<String> approvalId() {
    HttpServletRequest request = current();
    if (request == null) {
      return Optional.empty();
    }
    String source = "header " + approvalHeader;
    return single(values(request.getHeaders(approvalHeader)), source).map(v -> RequestIds.approvalId(source, v));
  }

  @Override
  public Optional<String> correlationId() {
    HttpServletRequest request = current();
    String value = request == null ? null : request.getHeader(correlationHeader);
    // a correlation id is a convenience: an unusable one is dropped, not an error
    return value != null && RequestIds.valid(value) ? Optional.of(value) : Optional.empty();
  }

  private static @Nullable HttpServletRequest current() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    if (!(attributes instanceof ServletRequestAttributes s)) {
      return null;
    }
    HttpServletRequest request = s.getRequest();
    return ended(s, request) ? null : request;
  }

  /**
   * Whether the request of attributes a thread carries has ended (handed to a task that outlived it): the dispatch
   * that bound them is over and the request is not in asynchronous processing. The server may have recycled such a
   * request for another caller's, whose organization and approval would then be read as this one's, or refuse reads.
   */
  private static boolean ended(ServletRequestAttributes attributes, HttpServletRequest request) {
    try {
      attributes.getAttribute(PROBE, RequestAttributes.SCOPE_REQUEST);
      return false;
    } catch (IllegalStateException e) {
      // the dispatch is over: the request lives on only while it is processed asynchronously
    }
    try {
      return !request.isAsyncStarted();
    } catch (RuntimeException e) {
      return true; // recycled: the server no longer lets it be read
    }
  }

  private static List<String> values(@Nullable Enumeration<String> headers) {
    List<String> list = new ArrayList<>();
    while (headers != null && headers.hasMoreElements()) {
      String v = headers.nextElement().strip();
      if (!v.isEmpty()) {
        list.add(v);
      }
    }
    return list;
  }

  /**
   * The non-empty values of one parameter in the query string. Only the query string: the servlet's
   * {@code getParameterValues} also reads a form body, which would let a posted form name the organization.
   */
  private static List<String> queryValues(@Nullable String query, String name) {
    List<String> list = new ArrayList<>();
    if (query == null) {
      return list;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String decodedKey;
      try {
        decodedKey = URLDecoder.decode(key, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        continue; // a name that is not even decodable is not this parameter's
      }
      if (!decodedKey.equals(name)) {
        continue;
      }
      String value;
      try {
        value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip();
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestContextException("parameter " + name, "not a valid organization id: its %-encoding is broken");
      }
      if (!value.isEmpty()) { // an empty parameter names nothing, as an empty header does
        list.add(value);
      }
    }
    return list;
  }

  private static Optional<String> single(List<String> values, String source) {
    if (values.isEmpty()) {
      return Optional.empty();
    }
    if (values.stream().distinct().count() > 1) {
      throw new InvalidRequestContextException(source, "names more than one value: name exactly one");
    }
    return Optional.of(values.get(0));
  }

  private static OrganizationId valid(String value, String source) {
    try {
      return OrganizationId.of(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestContextException(source, "not a valid organization id: use 1 to 128 letters, digits or . _ - : @ /");
    }
  }

  @Override
  public String toString() {
    return "HeaderRequestContextResolver[organization=" + organizationHeader
        + (organizationParameter == null ? "" : "|?" + organizationParameter) + ", approval=" + approvalHeader
        + ", correlation=" + correlationHeader + "]";
  }
}
