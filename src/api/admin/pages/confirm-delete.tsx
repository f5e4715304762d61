import { Layout, type PageContext, type Tab } from '../components/layout.js';
import { PostButton } from '../components/post-button.js';
import { formText, type FormBody } from '../form.js';

/**
 * "Delete …?" before anything is deleted: the row's Delete button lands here, and only this page's button
 * (the same form again, with confirm=yes) deletes. No script needed.
 */
export function ConfirmDeletePage(props: {
  page: PageContext;
  tab: Tab;
  title: string;
  body: string;
  action: string;
  cancelHref: string;
  confirmLabel?: string;
}) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={props.title} tab={props.tab}>
      <h1>{props.title}</h1>
      <p id="confirm-body">{props.body}</p>
      <p>
        <PostButton
          page={props.page}
          action={props.action}
          label={props.confirmLabel ?? t.confirmDelete.confirm}
          id="confirm-delete"
          kind="danger"
          hidden={{ confirm: 'yes' }}
        />{' '}
        <a href={props.cancelHref} class="button">
          {t.common.cancel}
        </a>
      </p>
    </Layout>
  );
}

/** Whether a delete form carries the confirmation of the page above. */
export async function deleteConfirmed(request: { parseBody(): Promise<FormBody> }): Promise<boolean> {
  return formText(await request.parseBody(), 'confirm') === 'yes';
}
