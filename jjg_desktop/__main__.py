from jjg_desktop.cli import main

raise SystemExit(main())
