; an include file that emits nothing
