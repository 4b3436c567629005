/**
 * `docs/errors.md` and the code cannot drift: every code of `ERROR_CODES` has a section with the
 * status `statusOf` gives it and a valid example, and the page documents no code that does not exist.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { FastifyReply } from 'fastify';
import { sendProblem, statusOf } from '../src/api/error-response.ts';
import { Problem } from '../src/api/schemas.ts';
import { AppError, ERROR_CODES, type ErrorCode } from '../src/app/app-error.ts';

const DOC_URL = new URL('../../../docs/errors.md', import.meta.url);

interface Section {
  readonly heading: string;
  readonly body: string;
}

/** The `## ` sections of the page. */
function sections(markdown: string): Section[] {
  return markdown
    .split(/^## /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf('\n');
      return { heading: chunk.slice(0, newline).trim(), body: chunk.slice(newline + 1) };
    });
}

/** The problem body the server sends for a code, captured from `sendProblem` itself. */
function problemSentFor(code: ErrorCode): Record<string, unknown> {
  let sent: Record<string, unknown> = {};
  const reply = {
    code: () => reply,
    header: () => reply,
    type: () => reply,
    send: (body: Record<string, unknown>) => {
      sent = body;
      return reply;
    },
  };
  sendProblem(reply as unknown as FastifyReply, new AppError(code, 'example'));
  return sent;
}

const page = readFileSync(DOC_URL, 'utf8');
const byCode = new Map<string, Section>();
for (const section of sections(page)) {
  const code = /^`([a-z_]+)`$/.exec(section.heading)?.[1];
  assert.ok(code, `every section heading is a code in backticks, not "${section.heading}"`);
  assert.equal(byCode.has(code), false, `${code} is documented once`);
  byCode.set(code, section);
}

describe('docs/errors.md', () => {
  it('documents every error code', () => {
    const missing = ERROR_CODES.filter((code) => !byCode.has(code));
    assert.deepEqual(missing, [], 'codes without a section');
  });

  it('documents no code that does not exist', () => {
    const known = new Set<string>(ERROR_CODES);
    const unknown = [...byCode.keys()].filter((code) => !known.has(code));
    assert.deepEqual(unknown, [], 'sections for codes that are not in ERROR_CODES');
  });

  for (const code of ERROR_CODES) {
    it(`${code}: the status, when, what to do, and an example`, () => {
      const section = byCode.get(code);
      assert.ok(section, `${code} has a section`);
      const sent = problemSentFor(code);
      const status = /^\*\*HTTP status:\*\* (\d{3}) (.+)$/m.exec(section.body);
      assert.equal(Number(status?.[1]), statusOf(code), `${code} has the status statusOf gives`);
      assert.equal(status?.[2], sent['title'], `${code} names the status as the server does`);
      assert.match(section.body, /^\*\*When:\*\* \S/m, `${code} says when it happens`);
      assert.match(section.body, /^\*\*What to do:\*\* \S/m, `${code} says what to do`);

      const example = /```json\n([\s\S]*?)\n```/.exec(section.body)?.[1];
      assert.ok(example, `${code} has a JSON example`);
      const problem = JSON.parse(example) as Record<string, unknown>;
      for (const member of ['type', 'title', 'status', 'code'] as const) {
        assert.equal(problem[member], sent[member], `${code} example ${member} is what the server sends`);
      }
      for (const member of Problem.required ?? [])
        assert.ok(member in problem, `${code} example has ${member}`);
      for (const member of Object.keys(problem)) {
        assert.ok(
          member in Problem.properties,
          `${code} example member ${member} is part of the problem shape`,
        );
      }
    });
  }
});
