import type { Hono } from 'hono';
import { entraKind } from '../../../directory/entra/kind.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { createConnection, TenantTakenError } from '../../../connections/service.js';
import { parseTenantId } from '../../../connections/tenant-id.js';
import { isUniqueViolation } from '../../../db/errors.js';
import type { FieldErrors } from '../components/fields.js';
import type { AdminEnv } from '../env.js';
import { formText } from '../form.js';
import { ConnectionFormPage, type ConnectionFormValues } from '../pages/connection-form.js';
import { pageContext, render } from '../render.js';
import { emptyLdapConnectionForm, LdapConnectionFormPage } from '../pages/ldap-connection-form.js';

const maxDesignation = 200;

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
    if (values.designation.length > maxDesignation) errors.designation = t.common.tooLong(maxDesignation);
    if (formText(form, 'provider') !== entraKind) errors.provider = t.common.invalid;
    if ('error' in tenant || Object.keys(errors).length > 0) return again(400, errors);
    if (!deps.config.azure.identity) return again(503, {}, t.errors.azureNotConfigured);

    try {
      const { consentUrl } = await createConnection(deps, {
        companyId: c.get('company').id,
        tenantId: tenant.value,
        designation: values.designation || null,
      });
      return c.redirect(consentUrl, 303);
    } catch (err) {
      if (isUniqueViolation(err, 'directory_connections_one_per_tenant'))
        return again(409, { tenantId: t.connectionForm.alreadyConnected });
      if (err instanceof TenantTakenError) return again(409, { tenantId: t.connectionForm.takenByAnotherCompany });
      throw err;
    }
  });
}
