import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpProblem, type HttpResponse } from '../http/http-responses';
import { describeError, logger, pathIds, withLambdaContext } from '../observability/logger';
import { renderPage, type PageOptions } from './page-renderer';
import { csrfTokenOf, formBody, isCsrfSafe, type FormFields } from './web-request';

export type PageHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

/** Renders a page with this browser's CSRF token, setting its cookie the first time. */
export function page(
  event: APIGatewayProxyEventV2,
  template: string,
  context: Record<string, unknown>,
  options: PageOptions = {},
): HttpResponse {
  const csrf = csrfTokenOf(event);
  const errors = (context.errors as Array<{ inputId: string; text: string }> | undefined) ?? [];
  return renderPage(
    template,
    {
      ...context,
      csrfToken: csrf.token,
      errors,
      errorList: errors.map((e) => ({ text: e.text, href: `#${e.inputId}` })),
    },
    {
      ...options,
      status: options.status ?? (errors.length > 0 ? 422 : 200),
      cookies: [...(options.cookies ?? []), ...(csrf.setCookie ? [csrf.setCookie] : [])],
    },
  );
}

export function errorPage(event: APIGatewayProxyEventV2, status: number, title: string, message: string): HttpResponse {
  return page(event, 'error.njk', { title, message }, { status });
}

/** The posted form, or a 403 page when it did not come from one of our pages. */
export function trustedForm(event: APIGatewayProxyEventV2): FormFields {
  const form = formBody(event);
  if (!isCsrfSafe(event, form)) {
    throw new HttpProblem(errorPage(event, 403, 'Your form has expired', 'Go back, reload the page and try again.'));
  }
  return form;
}

/** Like the API's httpHandler, but failures answer as pages a person can read. */
export function htmlHandler(routes: Record<string, PageHandler>) {
  return withLambdaContext(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = routes[event.routeKey];
    try {
      if (!route) return errorPage(event, 404, 'Page not found', 'If you typed the web address, check it is correct.');
      return await route(event);
    } catch (error) {
      if (error instanceof HttpProblem) {
        if ((error.response.headers?.['content-type'] as string | undefined)?.startsWith('text/html')) return error.response;
        return errorPage(event, error.response.statusCode, 'Sorry, there is a problem', 'Go back and try again.');
      }
      logger.error('Page failed', { routeKey: event.routeKey, ...describeError(error) });
      return errorPage(event, 500, 'Sorry, there is a problem with the service', 'Try again later. Nothing you sent has been lost.');
    }
  }, pathIds);
}
