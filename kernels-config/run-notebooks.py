#!/usr/bin/python3
"""Executes notebooks headless on the 'unlearn-lab' kernel (nbclient) and checks their outputs.

usage: /usr/bin/python3 kernels-config/run-notebooks.py --out DIR [--timeout S] [--html] [--jobs N] [--save] NOTEBOOK...

Each notebook runs with its own folder as working directory; the executed copy goes to DIR, with
--html also an nbconvert HTML export. The notebook itself is modified only with --save, which
writes a notebook that passed back over it with its outputs (how the committed notebooks get their
cpu outputs: run them without UNLEARN_PRESET, so on the committed cpu results). A notebook fails on
an error output or error reply, a cell running past the timeout, or a Plotly figure output without a
static image (which would be blank on GitHub). Prints one JSON summary line per notebook and exits
non-zero when any failed. Environment (e.g. UNLEARN_PRESET=smoke) passes through to the kernel.
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

# This checkout's own kernel spec (<checkout>/.jupyter, written by register-kernel.cjs) comes first on
# Jupyter's search path, so the notebooks run this checkout's code whichever checkout the per-user
# kernel points at.
_CHECKOUT_JUPYTER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '.jupyter')
os.environ['JUPYTER_PATH'] = os.pathsep.join([_CHECKOUT_JUPYTER] + [p for p in os.environ.get('JUPYTER_PATH', '').split(os.pathsep) if p])

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

FIGURE_MARKER = 'data-unlearn-lab-figure'
PLOTLY_MIME = 'application/vnd.plotly.v1+json'
STATIC_MIMES = ('image/png', 'image/svg+xml')


def check_outputs(nb):
    problems = []
    figures = 0
    for i, cell in enumerate(nb.cells):
        for out in cell.get('outputs', []):
            kind = out.get('output_type')
            if kind == 'error':
                problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            if kind in ('display_data', 'execute_result'):
                data = out.get('data', {})
                html = data.get('text/html', '')
                if isinstance(html, list):
                    html = ''.join(html)
                if PLOTLY_MIME in data or FIGURE_MARKER in html:
                    figures += 1
                    if not any(m in data for m in STATIC_MIMES) or '<img' not in html:
                        problems.append(f'cell {i}: Plotly figure without a static image')
    return problems, figures


def run(path, out_dir, timeout, kernel, html, save):
    nb = nbformat.read(path, as_version=4)
    name = os.path.basename(path)
    t0 = time.time()
    problems = []
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, allow_errors=False,
                            resources={'metadata': {'path': os.path.dirname(os.path.abspath(path))}})
    try:
        client.execute()
    except CellTimeoutError as e:
        problems.append(f'timeout: a cell ran longer than {timeout} s: {str(e).splitlines()[0]}')
    except (CellExecutionError, DeadKernelError) as e:
        # tslab reports exceptions and TypeScript errors on stderr with an error reply: show that text.
        failed = [(i, ''.join(o.get('text', '')) ) for i, c in enumerate(nb.cells) for o in c.get('outputs', [])
                  if o.get('output_type') == 'stream' and o.get('name') == 'stderr']
        detail = f'cell {failed[-1][0]}: ' + ' | '.join(failed[-1][1].strip().splitlines()[:6])[:600] if failed else str(e).strip()[-600:]
        problems.append(f'{type(e).__name__}: {detail}')
    seconds = time.time() - t0
    found, figures = check_outputs(nb)
    problems += [p for p in found if p not in problems]
    out_path = os.path.join(out_dir, name)
    nbformat.write(nb, out_path)
    result = {'notebook': name, 'ok': not problems, 'seconds': round(seconds, 2), 'figures': figures,
              'problems': problems, 'executed': out_path}
    if html:
        from nbconvert import HTMLExporter
        body, _ = HTMLExporter().from_notebook_node(nb)
        html_path = os.path.join(out_dir, name.replace('.ipynb', '.html'))
        with open(html_path, 'w', encoding='utf-8') as f:
            f.write(body)
        result['html'] = html_path
    if save and result['ok']:
        # Through a temporary file and a rename, so an interrupted save never leaves half a notebook.
        tmp = path + '.saving'
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
        result['saved'] = path
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('notebooks', nargs='+')
    ap.add_argument('--out', required=True, help='folder for the executed notebooks')
    ap.add_argument('--timeout', type=int, default=120, help='seconds per cell (default 120)')
    ap.add_argument('--kernel', default='unlearn-lab')
    ap.add_argument('--html', action='store_true', help='also write an nbconvert HTML export')
    ap.add_argument('--jobs', type=int, default=1,
                    help='notebooks run at once, each with its own kernel (default 1); a kernel spends much of its time '
                         'in single-threaded TypeScript checks, so 2 on 2 cores overlap them')
    ap.add_argument('--save', action='store_true',
                    help='write each notebook that passed back over its source, outputs included')
    a = ap.parse_args()
    if a.jobs < 1:
        ap.error(f'--jobs must be at least 1, got {a.jobs}')
    os.makedirs(a.out, exist_ok=True)
    ok = True
    # Each notebook in its own process (nbclient's event loop and kernel manager are per process); results
    # are printed as they finish, one JSON line each.
    with ProcessPoolExecutor(max_workers=a.jobs) as pool:
        futures = [pool.submit(run, path, a.out, a.timeout, a.kernel, a.html, a.save) for path in a.notebooks]
        for f in as_completed(futures):
            r = f.result()
            ok = ok and r['ok']
            print(json.dumps(r), flush=True)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
