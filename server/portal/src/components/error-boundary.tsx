/**
 * Catches a rendering error below it (an answer shaped in a way a page did not expect) and
 * shows a message with a way back, instead of leaving the page blank.
 */
import { Component, type ComponentChildren } from "preact";
import { I18nContext, type I18n } from "../i18n";
import { href } from "../router";

interface State {
  error: string | null;
}

export class ErrorBoundary extends Component<{ children: ComponentChildren }, State> {
  static contextType = I18nContext;
  declare context: I18n;
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error.message : String(error) };
  }

  override componentDidCatch(error: unknown): void {
    // Kept for whoever opens the console; the reader sees the message below.
    console.error(error);
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    const { t } = this.context;
    return (
      <div class="error" role="alert" data-testid="error">
        <p class="error-title">{t.errorTitle}</p>
        <p>{t.crashed}</p>
        <p class="detail" lang="en">{this.state.error}</p>
        <p class="actions">
          <a href={href.search()}>{t.backToSearch}</a>
        </p>
      </div>
    );
  }
}
