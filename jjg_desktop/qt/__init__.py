"""The desktop GUI: the only package that imports PySide6.

Where things live — a screen is found by the area it serves, the shared parts in one place:

- ``shell/``       the application: start-up and first paint, the main window and its
                   navigation, the status bar, fonts, Qt's Chinese, crash and log handling,
                   the daily backup and the restore dialog.
- ``kit/``         what every area uses: the workspace (store, actor, tasks, navigation),
                   Designer forms, labels, style and sizing, the task runner, the lazy table
                   model and record list, the signature pad, photos, PDF preview and printing,
                   exports, navigation presets, and the two dialogs two areas share (proposing
                   an abnormal-list case, printing a verification).
- ``dashboard/``   工作台.
- ``inspections/`` 检查: the list, the checklist form, findings, signatures, the draw and the
                   inspector pool.
- ``registry/``    项目 and 入吉企业: lists, details, the registration import, verifications.
- ``cases/``       异常名录: the case list, a case's page, its steps and documents.
- ``sync/``        同步: the sync page and scheduler, conflicts, signing in to the server.
- ``settings/``    设置 and the user profile.

An area imports only ``kit``, ``shell`` and itself; ``kit`` imports no area and not the shell;
``tests/test_architecture.py`` holds these lines.
"""
