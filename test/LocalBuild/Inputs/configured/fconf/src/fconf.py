def gui():
    pass
