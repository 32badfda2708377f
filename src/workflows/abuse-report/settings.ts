/**
 * The abuse-report settings the environment gives (src/config.ts): where support is, and how soon an urgent
 * report is escalated when its manager has not acknowledged it.
 */
export interface SupportSettings {
  /** The Employee Assistance Programme (EAP_URL). Policy, Appendix 1 section 8: "supported through Optum (livewell.optum.com)". */
  readonly eapUrl: string;
  /** The Holmes page with the full support details (HOLMES_URL): "Full details are available on Holmes." */
  readonly holmesUrl: string;
  /** A support phone number (SUPPORT_PHONE); empty means none is shown. */
  readonly phone: string;
}

export interface AbuseReportSettings {
  readonly support: SupportSettings;
  /** An urgent report not acknowledged within this many clock minutes is escalated (URGENT_ESCALATION_MINUTES). */
  readonly urgentEscalationMinutes: number;
}

export const DEFAULT_EAP_URL = 'https://livewell.optum.com';
/** A placeholder until HOLMES_URL names the support page on the intranet. */
export const DEFAULT_HOLMES_URL = 'https://holmes.wheatley-group.com';
export const DEFAULT_URGENT_ESCALATION_MINUTES = 60;

export const DEFAULT_ABUSE_REPORT_SETTINGS: AbuseReportSettings = {
  support: { eapUrl: DEFAULT_EAP_URL, holmesUrl: DEFAULT_HOLMES_URL, phone: '' },
  urgentEscalationMinutes: DEFAULT_URGENT_ESCALATION_MINUTES,
};

/** The support block every receipt and every urgent reply carries (cards/abuse-report*.json, `support`). */
export interface SupportView {
  readonly text: string;
  readonly phone: string;
  readonly eapUrl: string;
  readonly holmesUrl: string;
}

export function supportView(settings: SupportSettings): SupportView {
  return {
    // The address is written out too: it stays readable where a client shows no buttons.
    text: `Optum (${new URL(settings.eapUrl).host}), our Employee Assistance Programme, is free and confidential. Full details are on Holmes.`,
    phone: settings.phone ? `Phone: ${settings.phone}` : '',
    eapUrl: settings.eapUrl,
    holmesUrl: settings.holmesUrl,
  };
}

/** The data bound to `cards/abuse-report-safety.json`: the reply to danger written in free text, before the form. */
export interface SafetyCardView {
  readonly nextSteps: string;
  readonly support: SupportView;
}

/** Appendix 1, section 8: "immediately report this to your line manager or a senior member of staff ... supported through Optum". */
export function safetyCardView(settings: SupportSettings): SafetyCardView {
  return {
    nextSteps: 'Then tell your line manager or a senior member of staff, and report it to me.',
    support: supportView(settings),
  };
}
