package com.algosure.examples.filings.web;

import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.examples.filings.domain.FilingService;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The AI agent's entry: the agent calls with the person's token and presents its grant ({@code X-Agent-Grant})
 * and task ({@code X-Agent-Task}); it may only do what both the grant and the person may do.
 *
 * @since 0.1.0
 */
@RestController
public class AgentController {

  private final FilingService service;
  private final FilingRepository filings;
  private final OtherTenants others;

  /**
   * @param service the filings service
   * @param filings the filings
   * @param others answers another tenant's filing as an unknown one
   */
  public AgentController(FilingService service, FilingRepository filings, OtherTenants others) {
    this.service = service;
    this.filings = filings;
    this.others = others;
  }

  /**
   * @param id a filing's id
   * @param grantId the agent's grant
   * @param task the agent's task
   * @param body {@code {"text": "..."}}
   * @return the filing with the agent's draft; 400 for a text longer than {@link Filing#MAX_TEXT_LENGTH} or an
   *     {@code X-Organization-Id} that is not the filing's organization, 404 for a
   *     filing of a tenant the person has no access to, as for an unknown id
   * @throws Exception never for a refusal (it becomes a problem response)
   */
  @PostMapping("/api/agent/filings/{id}/draft")
  public Filing draft(@PathVariable String id, @RequestHeader("X-Agent-Grant") String grantId,
      @RequestHeader("X-Agent-Task") String task, @RequestBody Map<String, String> body) throws Exception {
    String text = Objects.requireNonNullElse(body.get("text"), ""); // a JSON null is an absent text
    if (text.length() > Filing.MAX_TEXT_LENGTH) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "a text of at most " + Filing.MAX_TEXT_LENGTH
          + " characters is required; this one has " + text.length());
    }
    Filing filing = filings.find(id).orElseThrow(FilingNotFoundException::new);
    return others.hidden(filing, () -> service.draftByAgent(filing, grantId, task, text));
  }
}
