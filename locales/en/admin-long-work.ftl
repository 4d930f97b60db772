# Long work done by the worker, with its progress page (helper longwork).
admin-task-kind-attendance-import = Attendance import
admin-task-state-queued = Waiting to start
admin-task-state-running = In progress
admin-task-state-done = Done
admin-task-state-failed = Could not be finished
admin-task-rows = { $count } of { $total } rows done
admin-task-percent = { $count }%
admin-task-errors = { $count ->
    [0] No row refused so far
    [one] 1 row refused so far
   *[other] { $count } rows refused so far
}
admin-task-refreshing = This page updates itself until the work is done. The work goes on without this page: the registrations list of the session links back to it.
admin-task-failed-hint = The work stopped before its end. What was recorded stays recorded; upload the file again to finish it.
admin-task-refused-csv = Download every refused row (CSV)
admin-task-first-refused = { $count ->
    [one] The first refused row
   *[other] The first { $count } refused rows
}
admin-task-kind-registrations-export = Registrations export (Excel)
admin-task-export-done = { $count ->
    [one] 1 registration written to the workbook.
   *[other] { $count } registrations written to the workbook.
}
admin-task-download = Download the workbook (.xlsx)
admin-task-kept = The file is kept { $count } days, then deleted.
admin-tasks-title = Background work for this session
