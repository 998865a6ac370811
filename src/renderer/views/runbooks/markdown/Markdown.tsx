import { useMemo, type ReactNode } from 'react';
import { parseMarkdown, type Inline } from './markdown-parse';

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'strong':
        return <strong key={i}>{renderInline(node.children)}</strong>;
      case 'em':
        return <em key={i}>{renderInline(node.children)}</em>;
      case 'link':
        // A new window is what the host turns into "open in the OS browser", through its own
        // http/https allowlist too (electron/main/security.ts); a refused target stays text.
        return node.href ? (
          <a key={i} className="link" href={node.href} target="_blank" rel="noopener noreferrer">
            {renderInline(node.children)}
          </a>
        ) : (
          <span key={i} className="md-refused-link" title="Only http and https links are opened">
            {renderInline(node.children)}
          </span>
        );
    }
  });
}

/** Runbook guidance as React elements (markdown-parse.ts): never innerHTML. */
export function Markdown({ source, testId }: { source: string; testId?: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return (
    <div className="markdown" data-testid={testId}>
      {blocks.map((block, i) => {
        switch (block.kind) {
          case 'paragraph':
            return <p key={i}>{renderInline(block.inline)}</p>;
          case 'heading':
            // Guidance sits under the step's own title: its headings are one visual level.
            return (
              <p key={i} className="md-heading">
                <strong>{renderInline(block.inline)}</strong>
              </p>
            );
          case 'list':
            return block.ordered ? (
              <ol key={i}>
                {block.items.map((item, j) => (
                  <li key={j}>{renderInline(item)}</li>
                ))}
              </ol>
            ) : (
              <ul key={i}>
                {block.items.map((item, j) => (
                  <li key={j}>{renderInline(item)}</li>
                ))}
              </ul>
            );
          case 'code':
            return (
              <pre key={i} className="md-code" data-lang={block.lang || undefined}>
                <code>{block.text}</code>
              </pre>
            );
        }
      })}
    </div>
  );
}
