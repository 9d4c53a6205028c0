package com.algosure.examples.filings.web;

import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingService;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Cross-tenant administration: a privileged platform role and MFA evidence, else 428 with the RFC 9470 step-up
 * challenge ({@code insufficient_user_authentication}).
 *
 * @since 0.1.0
 */
@RestController
public class AdminController {

  private final FilingService service;

  /** @param service the filings service */
  public AdminController(FilingService service) {
    this.service = service;
  }

  /** @param tenant a tenant @return its filings */
  @GetMapping("/api/admin/tenants/{tenant}/filings")
  public List<Filing> filings(@PathVariable String tenant) {
    return service.administer(tenant);
  }
}
