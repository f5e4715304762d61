import nodemailer from 'nodemailer';

export interface EmailResult {
  ok: boolean;
  error?: string;
}

/** One message to all of a target's addresses over SMTP_URL; Message-ID carries the event id (dedup by mail clients). */
export async function sendEmail(input: {
  smtpUrl: string | undefined;
  from: string;
  to: string[];
  subject: string;
  text: string;
  eventId: string;
}): Promise<EmailResult> {
  if (!input.smtpUrl)
    return {
      ok: false,
      error:
        'SMTP_URL is not set: e-mail notifications cannot be sent; set it to smtp://host:port or smtps://user:pass@host',
    };
  const transport = nodemailer.createTransport(input.smtpUrl);
  try {
    await transport.sendMail({
      from: input.from,
      to: input.to,
      subject: input.subject,
      text: input.text,
      messageId: `<${input.eventId}@directory-sync>`,
      headers: { 'X-Directory-Sync-Event': input.eventId },
    });
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `SMTP: ${(err as Error).message}` };
  } finally {
    transport.close();
  }
}
