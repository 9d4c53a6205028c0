package com.algosure.examples.filings;

import com.algosure.examples.filings.dev.DevelopmentIssuer;
import com.algosure.examples.filings.dev.StubAuthority;
import com.algosure.examples.filings.walkthrough.Walkthrough;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The filings example service. {@code java -jar algosure-examples.jar} serves the API (with the development
 * issuer unless {@code algosure.issuers} are configured); {@code java -jar algosure-examples.jar walkthrough}
 * starts it on a free port, runs the scripted walkthrough against it, prints every step and exits (status 0
 * when every step answered as expected).
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class FilingsApplication {

  /** Not instantiated by hand. */
  FilingsApplication() {}

  /**
   * @param args Spring Boot arguments; {@code walkthrough} (or {@code --walkthrough}) runs the walkthrough
   * @throws Exception if the walkthrough cannot reach the service
   */
  public static void main(String[] args) throws Exception {
    boolean walkthrough = Arrays.stream(args).anyMatch(a -> a.equals("walkthrough") || a.equals("--walkthrough"));
    if (!walkthrough) {
      ConfigurableApplicationContext served = SpringApplication.run(FilingsApplication.class, args);
      LoggerFactory.getLogger(FilingsApplication.class).info("The audit trail is written to {}",
          served.getEnvironment().getRequiredProperty(AuditFileLocation.PROPERTY));
      return;
    }
    ConfigurableApplicationContext context = new SpringApplicationBuilder(FilingsApplication.class)
        .properties("server.port=0", "spring.main.log-startup-info=false")
        .run(args);
    int unexpected;
    if (context.getBeanProvider(DevelopmentIssuer.class).getIfAvailable() == null
        || context.getBeanProvider(StubAuthority.class).getIfAvailable() == null) {
      System.err.println("The walkthrough needs the development issuer and the stub authority: run it without "
          + "algosure.issuers and with filings.authority.stub=true.");
      unexpected = 2;
    } else {
      int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
      // the walkthrough is the example's user interface: it prints to the console
      String auditFile = context.getEnvironment().getRequiredProperty(AuditFileLocation.PROPERTY);
      unexpected = new Walkthrough(port, context.getBean(StubAuthority.class), context.getBean(MeterRegistry.class),
          System.out, auditFile).run();
    }
    int status = unexpected == 0 ? 0 : 1;
    System.exit(SpringApplication.exit(context, () -> status));
  }
}
