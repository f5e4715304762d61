import type { Child } from 'hono/jsx';

/** A list page's table: one header row, the rows given; the `empty` sentence instead when there are none. */
export function Table({ id, headers, empty, rows }: { id: string; headers: string[]; empty: string; rows: Child[] }) {
  if (rows.length === 0) return <p class="empty">{empty}</p>;
  return (
    <table id={id}>
      <thead>
        <tr>
          {headers.map((header) => (
            <th>{header}</th>
          ))}
        </tr>
      </thead>
      <tbody>{rows}</tbody>
    </table>
  );
}
