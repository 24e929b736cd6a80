"""Jobs: what a job is (model), where jobs live (store), and the one owner of their states (manager)."""
