not selected
