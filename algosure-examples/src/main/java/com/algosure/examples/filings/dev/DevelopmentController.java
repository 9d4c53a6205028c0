package com.algosure.examples.filings.dev;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * DEVELOPMENT ONLY. The development issuer's endpoints: its JWKS, and tokens for the demo users
 * ({@code POST /dev/tokens/alice}, {@code ?mfa=true} for carol's second factor). Every answer says it is for
 * development.
 *
 * <p>A token is given only to a request made on this host directly: from a loopback address, addressed to a
 * loopback name ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}), and carrying none of the headers a reverse
 * proxy, tunnel or CDN adds ({@code Forwarded}, {@code X-Forwarded-*}, {@code X-Real-IP}, {@code Via} and the like).
 * The server listening on loopback only is not enough: a proxy or tunnel on the same host (nginx, ngrok,
 * cloudflared) reaches it from loopback for anyone on its other side, who would get carol's platform-admin token
 * with MFA. Such a request is refused with 403 and says why. A tunnel that forwards bare TCP and adds nothing (an
 * {@code ssh -R} port forward) cannot be told apart from a local client: never expose the development issuer.
 *
 * @since 0.1.0
 */
@RestController
@Conditional(DevelopmentConfiguration.Enabled.class)
public class DevelopmentController {

  private static final String MARK = "X-Algosure-Development";

  /** Headers that reverse proxies, tunnels and CDNs add; a request made on this host directly has none of them. */
  private static final List<String> PROXY_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
      "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Forwarded-Ssl",
      "X-Real-IP", "X-Client-IP", "X-Cluster-Client-IP", "X-Original-Forwarded-For", "X-ProxyUser-Ip", "Via",
      "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP");

  private final DevelopmentIssuer issuer;

  /** @param issuer the development issuer */
  public DevelopmentController(DevelopmentIssuer issuer) {
    this.issuer = issuer;
  }

  /** @return the issuer's public keys */
  @GetMapping("/dev/jwks.json")
  public ResponseEntity<Map<String, Object>> jwks() {
    return ResponseEntity.ok().header(MARK, "true").body(issuer.jwks());
  }

  /**
   * @param user a demo user
   * @param mfa whether to mint with a second factor (users who have one)
   * @param expired whether to mint an already expired token
   * @param impersonator a demo user impersonating {@code user} (Keycloak's "impersonate"), or none
   * @param request the request, which must be made on this host directly
   * @return the token; 403 for a request that is not made on this host directly (through a proxy or tunnel, say);
   *     404 for an unknown user or a second factor the user does not have
   */
  @PostMapping("/dev/tokens/{user}")
  public ResponseEntity<Map<String, Object>> token(@PathVariable String user,
      @RequestParam(defaultValue = "false") boolean mfa, @RequestParam(defaultValue = "false") boolean expired,
      @RequestParam(required = false) String impersonator, HttpServletRequest request) {
    Optional<String> notLocal = notLocal(request);
    if (notLocal.isPresent()) {
      return ResponseEntity.status(403).header(MARK, "true").body(Map.of("error", "the development issuer gives tokens "
          + "only to requests made on this host directly, and this one " + notLocal.get() + ": it would give anyone "
          + "behind a proxy or tunnel any demo user's token; to serve the example through one, configure "
          + "algosure.issuers with a real issuer"));
    }
    return issuer.mint(user, mfa, expired, impersonator).<ResponseEntity<Map<String, Object>>>map(t -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("access_token", t);
      body.put("token_type", "Bearer");
      body.put("expires_in", expired ? 0 : 300);
      body.put("development_only", true);
      return ResponseEntity.ok().header(MARK, "true").body(body);
    }).orElseGet(() -> ResponseEntity.status(404).header(MARK, "true")
        .body(Map.of("error", "no demo user '" + user + "'" + (mfa ? " with a second factor" : ""), "users", issuer.users())));
  }

  /** @return why the request is not made on this host directly, if it is not (never echoing what it sent) */
  private static Optional<String> notLocal(HttpServletRequest request) {
    for (String header : PROXY_HEADERS) {
      if (request.getHeader(header) != null) {
        return Optional.of("came through a proxy (it carries the header " + header + ")");
      }
    }
    if (!loopbackLiteral(request.getRemoteAddr())) {
      return Optional.of("came from an address that is not loopback (through a proxy, as its forwarding headers say)");
    }
    String host = request.getServerName();
    if (host == null || !(host.toLowerCase(Locale.ROOT).equals("localhost") || loopbackLiteral(host))) {
      return Optional.of("is addressed to a host name that is not loopback (localhost, 127.0.0.1 or [::1])");
    }
    return Optional.empty();
  }

  /** @return whether the text is a loopback IP address literal; a name is never looked up (it may be rebound) */
  private static boolean loopbackLiteral(@Nullable String address) {
    if (address == null) {
      return false;
    }
    String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (!a.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false;
    }
    try {
      return InetAddress.getByName(a).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
