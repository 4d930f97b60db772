//! Files that hold what the service knows about people (the SQLite database and its WAL,
//! backups, photos, `.eml` files): created readable by the service's user only, 0600 in
//! folders of 0700, whatever the process's umask. The modes are set explicitly after creation,
//! since the umask only ever removes bits from what `open` and `mkdir` ask for.

use std::fs::File;
use std::io;
use std::path::Path;

/// Creates `path` and its missing parents; each folder created here is 0700. Folders that
/// already exist are left as they are (an operator chose them).
pub fn create_private_dir_all(path: &Path) -> io::Result<()> {
    let missing: Vec<&Path> =
        path.ancestors().take_while(|p| !p.as_os_str().is_empty() && !p.exists()).collect();
    std::fs::create_dir_all(path)?;
    for folder in missing {
        set_mode(folder, 0o700)?;
    }
    Ok(())
}

/// The service's own folder (`CONVOCA_DATA_DIR`): created 0700, or made 0700 when it exists
/// open to others (systemd's `StateDirectory=` makes it 0755); says whether it had to.
pub fn make_private_folder(path: &Path) -> io::Result<bool> {
    if !path.exists() {
        create_private_dir_all(path)?;
        return Ok(false);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(path)?.permissions().mode() & 0o077 != 0 {
            set_mode(path, 0o700)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Creates a new file (an error if it exists), 0600, open for writing.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

/// Writes a new file of `bytes`, 0600.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = create_private_file(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Takes away what other users may do with an existing file (one made before files were
/// private); says whether it had to.
pub fn remove_access_of_others(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
        if mode & 0o007 != 0 {
            set_mode(path, mode & !0o007)?;
            return Ok(true);
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(false)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn new_folders_and_files_are_private_and_existing_folders_are_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        set_mode(dir.path(), 0o755).expect("chmod");
        let deep = dir.path().join("a/b");
        create_private_dir_all(&deep).expect("create");
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&deep), 0o700);
        assert_eq!(mode(dir.path()), 0o755, "a folder that existed is the operator's");
        assert!(make_private_folder(dir.path()).expect("the service's folder"));
        assert_eq!(mode(dir.path()), 0o700);
        assert!(!make_private_folder(dir.path()).expect("again"));
        let file = deep.join("f");
        write_private_file(&file, b"x").expect("write");
        assert_eq!(mode(&file), 0o600);
        assert!(create_private_file(&file).is_err(), "never overwrites");
        set_mode(&file, 0o644).expect("chmod");
        assert!(remove_access_of_others(&file).expect("restrict"));
        assert_eq!(mode(&file), 0o640);
        assert!(!remove_access_of_others(&file).expect("again"));
    }
}
