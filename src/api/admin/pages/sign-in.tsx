import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { CsrfField } from '../components/post-button.js';
import { TextField, type FieldErrors } from '../components/fields.js';

export function SignInPage({
  page,
  next,
  errors,
  signedOut,
}: {
  page: PageContext;
  next: string;
  errors: FieldErrors;
  signedOut?: boolean;
}) {
  const { t } = page;
  return (
    <Layout page={page} title={t.signIn.title}>
      <h1>{t.signIn.title}</h1>
      {signedOut ? <Notice kind="info">{t.signIn.signedOut}</Notice> : null}
      <p>{t.signIn.intro}</p>
      <form method="post" action="/admin/sign-in" class="narrow" id="sign-in-form">
        <CsrfField page={page} />
        <input type="hidden" name="next" value={next} />
        <TextField
          name="apiKey"
          type="password"
          label={t.signIn.apiKey}
          errors={errors}
          hint={t.signIn.hint}
          autocomplete="off"
          required
        />
        <button type="submit" class="primary" id="sign-in">
          {t.signIn.submit}
        </button>
      </form>
    </Layout>
  );
}
