from jjg_desktop.cli.main import main

raise SystemExit(main())
