/**
 * The error summary a staff form shows above its fields when it will not send: a heading and
 * one link per problem, each taking the focus to its field (GOV.UK's pattern, WCAG 3.3.1).
 */
import { html, nothing, type TemplateResult } from 'lit';

/**
 * The summary for `problems` (each the id of the field it is about and what is wrong), or
 * nothing when there are none. `id` is the summary's own id (the form focuses it after a
 * refused submit); its heading gets `${id}-title`. Links focus the field in `root`.
 */
export function errorSummary(
  root: ParentNode,
  id: string,
  heading: string,
  problems: readonly (readonly [fieldId: string, message: string])[],
): TemplateResult | typeof nothing {
  if (problems.length === 0) return nothing;
  return html`<div id=${id} class="message error" part="error-summary" role="alert" tabindex="-1" aria-labelledby=${`${id}-title`}>
    <h4 id=${`${id}-title`}>${heading}</h4>
    <ul>
      ${problems.map(
        ([fieldId, message]) =>
          html`<li>
            <a
              href=${`#${fieldId}`}
              @click=${(e: Event) => {
                e.preventDefault();
                root.querySelector<HTMLElement>(`#${fieldId}`)?.focus();
              }}
              >${message}</a
            >
          </li>`,
      )}
    </ul>
  </div>`;
}
