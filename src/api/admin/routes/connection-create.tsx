import type { Hono } from 'hono';
import { entraKind } from '../../../directory/entra/kind.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { createConnection } from '../../../connections/service.js';
import { parseTenantId } from '../../../connections/tenant-id.js';
import { limits } from '../../../domain/rules.js';
import type { FieldErrors } from '../components/fields.js';
import { refusalOf } from '../domain-errors.js';
import type { AdminEnv } from '../env.js';
import { formText } from '../form.js';
import { ConnectionFormPage, type ConnectionFormValues } from '../pages/connection-form.js';
import { pageContext, render } from '../render.js';
import { emptyLdapConnectionForm, LdapConnectionFormPage } from '../pages/ldap-connection-form.js';

/** Create (Opret): provider, optional designation and tenant ID, then straight to Microsoft's consent page. */
export function registerConnectionCreate(admin: Hono<AdminEnv>): void {
  admin.get('/system/new', (c) =>
    c.req.query('provider') === 'ldap'
      ? render(c, <LdapConnectionFormPage page={pageContext(c)} values={emptyLdapConnectionForm} errors={{}} />)
      : render(c, <ConnectionFormPage page={pageContext(c)} values={{ designation: '', tenantId: '' }} errors={{}} />),
  );

  admin.post('/system/connections', async (c) => {
    const t = c.get('t');
    const deps = c.get('deps');
    const form = await c.req.parseBody();
    const values: ConnectionFormValues = {
      designation: formText(form, 'designation'),
      tenantId: formText(form, 'tenantId'),
    };
    const again = (status: ContentfulStatusCode, errors: FieldErrors, failure?: string) =>
      render(c, <ConnectionFormPage page={pageContext(c)} values={values} errors={errors} failure={failure} />, status);

    const errors: FieldErrors = {};
    const tenant = parseTenantId(values.tenantId);
    if ('error' in tenant) errors.tenantId = t.connectionForm.tenantIdInvalid;
    if (values.designation.length > limits.designation) errors.designation = t.common.tooLong(limits.designation);
    if (formText(form, 'provider') !== entraKind) errors.provider = t.common.invalid;
    if ('error' in tenant || Object.keys(errors).length > 0) return again(400, errors);
    const created = await refusalOf(t, () =>
      createConnection(deps, {
        companyId: c.get('company').id,
        tenantId: tenant.value,
        designation: values.designation || null,
      }),
    );
    if (!created.ok) return again(created.status, created.errors, created.failure);
    return c.redirect(created.value.consentUrl, 303);
  });
}
