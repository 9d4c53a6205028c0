package com.algosure.examples.filings.dev;

import java.util.LinkedHashMap;
import java.util.Map;
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
 * @since 0.1.0
 */
@RestController
@Conditional(DevelopmentConfiguration.Enabled.class)
public class DevelopmentController {

  private static final String MARK = "X-Algosure-Development";

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
   * @return the token, or 404 for an unknown user or a second factor the user does not have
   */
  @PostMapping("/dev/tokens/{user}")
  public ResponseEntity<Map<String, Object>> token(@PathVariable String user,
      @RequestParam(defaultValue = "false") boolean mfa, @RequestParam(defaultValue = "false") boolean expired,
      @RequestParam(required = false) String impersonator) {
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
}
