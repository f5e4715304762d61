import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { checkConnectionNow } from '../../../connections/check-now.js';
import { createLdapConnection } from '../../../connections/ldap-connection.js';
import { refusalOf } from '../domain-errors.js';
import { limits } from '../../../domain/rules.js';
import type { FieldErrors } from '../components/fields.js';
import type { AdminEnv } from '../env.js';
import { formChecked, formText } from '../form.js';
import { LdapConnectionFormPage, type LdapConnectionFormValues } from '../pages/ldap-connection-form.js';
import { pageContext, render } from '../render.js';
import { ownConnection } from '../data/own-records.js';

const required = ['url', 'bindDn', 'bindPassword', 'baseDn'] as const;

/**
 * Create an Active Directory (LDAP) connection: stored with its password encrypted and tested at once; the System
 * tab then shows it connected, or failed with the reason (and "Test again" once the DC side is fixed).
 */
export function registerLdapConnectionCreate(admin: Hono<AdminEnv>): void {
  admin.post('/system/ldap-connections', async (c) => {
    const t = c.get('t');
    const deps = c.get('deps');
    const form = await c.req.parseBody();
    const values: LdapConnectionFormValues = {
      designation: formText(form, 'designation'),
      url: formText(form, 'url'),
      bindDn: formText(form, 'bindDn'),
      caCertificatePem: formText(form, 'caCertificatePem'),
      baseDn: formText(form, 'baseDn'),
      allowUnencrypted: formChecked(form, 'allowUnencrypted'),
    };
    // The password as typed (spaces may be part of it); never put back into the page.
    const bindPassword = typeof form.bindPassword === 'string' ? form.bindPassword : '';
    const again = (status: ContentfulStatusCode, errors: FieldErrors, failure?: string) =>
      render(
        c,
        <LdapConnectionFormPage page={pageContext(c)} values={values} errors={errors} failure={failure} />,
        status,
      );

    const errors: FieldErrors = {};
    for (const name of required)
      if ((name === 'bindPassword' ? bindPassword : values[name]) === '') errors[name] = t.ldap.fieldRequired;
    if (values.designation.length > limits.designation) errors.designation = t.common.tooLong(limits.designation);
    if (Object.keys(errors).length > 0) return again(400, errors);

    const created = await refusalOf(t, () =>
      createLdapConnection(deps, {
        ...values,
        bindPassword,
        caCertificatePem: values.caCertificatePem || null,
        designation: values.designation || null,
        companyId: c.get('company').id,
      }),
    );
    if (!created.ok) return again(created.status, created.errors, created.failure);
    const connection = created.value;
    return c.redirect(`/admin/system?notice=ldap_checked&connection=${connection.id}`, 303);
  });

  admin.post('/system/connections/:id/check', async (c) => {
    const connection = await ownConnection(c, c.req.param('id'));
    if (connection.provider === 'ldap') await checkConnectionNow(c.get('deps'), connection.id);
    return c.redirect(`/admin/system?notice=ldap_checked&connection=${connection.id}`, 303);
  });
}
