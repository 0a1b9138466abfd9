from xpcsviewer.cli import main

raise SystemExit(main())
