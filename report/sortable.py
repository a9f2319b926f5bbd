"""Sortable tables: a click on a column's header button sorts the body rows by that column, a
second click reverses; the footer (the total row) stays last. Amounts sort by the raw number in
each cell's ``data-sort``, other cells by their text. ``aria-sort`` on the header says the order.

``SCRIPT`` is the page's only script: inline, a few hundred bytes, no library, no network. It
acts on every ``table.sortable`` whose header cells each hold a ``<button>``.
"""

from __future__ import annotations

from html import escape

# first click: amounts largest first, text A to Z; a click on the sorted column reverses it
SCRIPT = (
    'for(const t of document.querySelectorAll("table.sortable")){const hs=[...t.querySelector("thead tr").cells],'
    'b=t.querySelector("tbody");hs.forEach((h,i)=>{h.querySelector("button").onclick=()=>{const rs=[...b.rows],'
    'n=rs.some(r=>r.cells[i].dataset.sort!==undefined),s=h.getAttribute("aria-sort"),'
    'up=s?s=="descending":!n,k=r=>n?+r.cells[i].dataset.sort:r.cells[i].textContent;'
    'for(const x of hs)x.removeAttribute("aria-sort");h.setAttribute("aria-sort",up?"ascending":"descending");'
    'rs.sort((p,q)=>{const x=k(p),y=k(q);return(up?1:-1)*(n?x-y:x.localeCompare(y))});b.append(...rs)}})}'
)

CSS = ("table.sortable th button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer;"
       "text-align:inherit}table.sortable th[aria-sort=ascending] button::after{content:\" \\25b2\"}"
       "table.sortable th[aria-sort=descending] button::after{content:\" \\25bc\"}")


def header(label: str, sorted_as: str | None = None) -> str:
    """A header cell whose button sorts its column; ``sorted_as`` ("ascending"/"descending") when
    the rows already come in that column's order."""
    state = f' aria-sort="{sorted_as}"' if sorted_as else ""
    return f'<th{state}><button type="button">{escape(label)}</button></th>'


def number_cell(value: object, text: str, bold: bool = False) -> str:
    """A cell showing ``text`` that sorts by the number ``value`` (written plainly, e.g. 1234.50);
    no end tag (HTML closes the cell at the next one), which keeps a long table small."""
    shown = f"<b>{escape(text)}</b>" if bold else escape(text)
    return f'<td data-sort="{format(value, "f")}">{shown}'


def script_tag() -> str:
    return f"<script>{SCRIPT}</script>"
