"""Run one mailed CSV export of a form in this process and print its peak RSS: `python -m bench.export_job FORM_ID`.

The app's settings come from the environment (DATABASE_URL, REDIS_URL, SECRETS_KEYS, …), as
for `flask worker`; the export is asked for by the form's first owner, and its file removed after.
"""

import json
import resource
import sys
import time

from app import create_app
from app.core.extensions import db
from app.dashboard.background_export import write_export
from app.files.storage import storage
from app.models import CsvExport, Form, Membership


def main(form_id):
    app = create_app()
    with app.app_context():
        form = db.session.get(Form, form_id)
        owner = db.session.scalars(db.select(Membership.user_id).where(Membership.workspace_id == form.workspace_id)
                                   .order_by(Membership.created_at)).first()
        export = CsvExport(workspace_id=form.workspace_id, form_id=form.id, requested_by=owner,
                           options={"headers": "labels"})
        db.session.add(export)
        db.session.commit()
        started = time.perf_counter()
        write_export(export.id)
        seconds = time.perf_counter() - started
        export = db.session.get(CsvExport, export.id)
        rows = export.row_count
        storage().delete(export.storage_key)  # a measurement, not a file anyone will fetch
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": round(seconds, 1), "peak_mb": round(peak_mb, 1)}))


if __name__ == "__main__":
    main(sys.argv[1])
