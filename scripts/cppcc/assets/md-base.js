/* Material for MkDocs' inline bootstrap (templates/partials/javascripts/base.html), moved to a
   file for a strict Content-Security-Policy. The scope is the site's root: two folders above
   this script (assets/cppcc/), where Material uses the page's base_url. */
__md_scope=new URL("../../",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
